import { describe, expect, it } from "vitest";
import { buildServer } from "../adapters/http/server.ts";
import { loadPlant } from "../adapters/plantFile.ts";

describe("HTTP service on the embedded default plant", () => {
  const plant = loadPlant();
  const app = buildServer(plant);

  it("serves an overview page listing all 20 presses of Case A", async () => {
    const r = await app.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toContain("text/html");
    for (const p of plant.cells.flatMap((c) => c.presses)) expect(r.body).toContain(`<td>${p.name}</td>`);
    expect(plant.cells.flatMap((c) => c.presses)).toHaveLength(20);
  });

  it("simulates a posted scenario with the CLI's schema", async () => {
    const body = {
      kind: "shot",
      name: "api",
      twin: { material: "ps-styron-678e", machine: "e110-all-electric", mold: "medical-cap-8cav" },
      settings: {
        meltTempC: 230,
        moldTempC: 40,
        injectionTimeS: 1,
        holdPressureMPa: 12,
        holdTimeS: 1.2,
        coolingTimeS: 2,
        screwSpeedRpm: 100,
      },
    };
    const r = await app.inject({ method: "POST", url: "/api/simulate", payload: body });
    expect(r.statusCode).toBe(200);
    const json = r.json();
    expect(json.settings.vpSwitchoverPct).toBe(98); // schema default applied
    expect(json.result.pack.partMassG).toBeGreaterThan(0.8);
  });

  it("rejects bad bodies with 400 and a coded error naming the field", async () => {
    const r = await app.inject({
      method: "POST",
      url: "/api/simulate",
      payload: {
        kind: "shot",
        name: "x",
        twin: { material: "ps-styron-678e", machine: "e110-all-electric", mold: "medical-cap-8cav" },
        settings: { meltTempC: "hot" },
      },
    });
    expect(r.statusCode).toBe(400);
    const e = r.json().error;
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details).toContainEqual(expect.objectContaining({ field: "body.settings.meltTempC", value: "hot" }));
    const garbage = await app.inject({
      method: "POST",
      url: "/api/simulate",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error.code).toBe("TWIN_ERR_VALIDATION");
  });
});
