import Fastify, { type FastifyInstance } from "fastify";
import { MoldtwinError } from "../../engine/errors.ts";
import { type ShotResult, simulateShot } from "../../engine/molding/simulateShot.ts";
import { listCards } from "../../twin-models/library/index.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { ShotScenario } from "../../twin-models/schemas/scenario.ts";
import { parse } from "../../twin-models/validate.ts";
import { renderPlantPage } from "./plantPage.ts";

export interface PressPrediction {
  id: string;
  name: string;
  machine: string;
  mold: string;
  material: string;
  result: ShotResult;
}

/** The predicted shot of every press of a plant at its current settings. */
export function predictPlant(plant: Plant): PressPrediction[] {
  return plant.cells.flatMap((cell) =>
    cell.presses.map((p) => ({
      id: p.id,
      name: p.name,
      machine: p.machine,
      mold: p.mold,
      material: p.material,
      result: simulateShot(resolveTwin({ material: p.material, machine: p.machine, mold: p.mold }), p.settings),
    })),
  );
}

/**
 * HTTP service (fastify). This first cut serves the plant overview and the shot simulator; jobs, tenants, live
 * data and the 3D viewer arrive with the service issue. Bad requests get the same coded errors as the CLI.
 */
export function buildServer(plant: Plant): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  const predictions = predictPlant(plant);

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof MoldtwinError) return reply.status(err.httpStatus).send(err.toJSON());
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    const e = new MoldtwinError(status < 500 ? "TWIN_ERR_VALIDATION" : "INTERNAL_ERR", (err as Error).message, [
      { field: "request body", allowed: "a JSON object (Content-Type: application/json)" },
    ]);
    return reply.status(status).send(e.toJSON());
  });

  app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(renderPlantPage(plant, predictions)));
  app.get("/api/health", async () => ({ ok: true }));
  app.get("/api/library", async () => ({
    materials: listCards("material").map(({ id, name, trust }) => ({ id, name, trust })),
    machines: listCards("machine").map(({ id, name, driveType }) => ({ id, name, driveType })),
    molds: listCards("mold").map(({ id, name, cavities }) => ({ id, name, cavities })),
  }));
  app.get("/api/plant", async () => ({ plant, predictions }));
  app.post("/api/simulate", async (req) => {
    const scenario = parse(ShotScenario, req.body, "body");
    const twin = resolveTwin(scenario.twin, "body.twin");
    return { scenario: scenario.name, settings: scenario.settings, result: simulateShot(twin, scenario.settings) };
  });
  return app;
}
