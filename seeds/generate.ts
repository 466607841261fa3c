/**
 * Regenerates the demo plants (seeds/case-a-automotive.json, seeds/case-b-medical.json) from the library:
 * each press runs the engine's starter recipe for its mold, material and machine. Deterministic; run with
 * `node seeds/generate.ts` after changing the library and commit the JSON.
 */
import { writeFileSync } from "node:fs";
import { starterSettings } from "../engine/molding/starterSettings.ts";
import { resolveTwin } from "../twin-models/resolve.ts";
import type { Plant, PlantPress } from "../twin-models/schemas/plant.ts";
import { Plant as PlantSchema } from "../twin-models/schemas/plant.ts";
import { parse } from "../twin-models/validate.ts";

interface Line {
  count: number;
  prefix: string;
  machine: string;
  mold: string;
  material: string;
  robot: boolean;
  commissionedOn: string;
}

/** Presses in rows of `perRow`, 6 m apart along a row, 9 m between rows, facing the aisle. */
function presses(lines: Line[], perRow: number): PlantPress[] {
  const out: PlantPress[] = [];
  let n = 0;
  for (const line of lines) {
    const settings = starterSettings(resolveTwin({ material: line.material, machine: line.machine, mold: line.mold }));
    for (let k = 0; k < line.count; k++, n++) {
      const row = Math.floor(n / perRow);
      const col = n % perRow;
      out.push({
        id: `${line.prefix}${String(n + 1).padStart(2, "0")}`.toLowerCase(),
        name: `${line.prefix.toUpperCase()}${String(n + 1).padStart(2, "0")}`,
        machine: line.machine,
        mold: line.mold,
        material: line.material,
        settings,
        position: { xM: col * 6, yM: row * 9, rotationDeg: row % 2 === 0 ? 0 : 180 },
        robot: line.robot,
        temperatureControlUnits: 1,
        commissionedOn: line.commissionedOn,
      });
    }
  }
  return out;
}

function write(path: string, plant: Plant): void {
  parse(PlantSchema, plant, path);
  writeFileSync(new URL(path, import.meta.url), `${JSON.stringify(plant, null, 2)}\n`);
}

const caseA = presses(
  [
    {
      count: 12,
      prefix: "a",
      machine: "e110-all-electric",
      mold: "clip-4cav-auto",
      material: "pp-isofil-hk10-tvhm",
      robot: false,
      commissionedOn: "2023-03-01",
    },
    {
      count: 5,
      prefix: "a",
      machine: "sh250-servo-hydraulic",
      mold: "bezel-2cav-auto",
      material: "pp-isofil-hk10-tvhm",
      robot: true,
      commissionedOn: "2021-06-15",
    },
    {
      count: 3,
      prefix: "a",
      machine: "h450-hydraulic",
      mold: "bezel-2cav-auto",
      material: "pp-isofil-hk10-tvhm",
      robot: true,
      commissionedOn: "2016-09-01",
    },
  ],
  10,
);
write("./case-a-automotive.json", {
  id: "case-a-automotive",
  name: "Case A — automotive interior parts, 20 presses",
  description:
    "High-volume automotive interior supplier (domain case A): dimensional drift and scrap bursts; paid per good part. Clips on 110 t electrics, air-vent bezels on 250 t servo-hydraulic and older 450 t hydraulic presses.",
  tenant: "autoparts-demo",
  traceability: "per-shot",
  shiftHoursPerDay: 24,
  cells: [
    {
      id: "hall-1",
      name: "Hall 1",
      presses: caseA,
      conveyors: [
        {
          id: "belt-row-1",
          from: { xM: -3, yM: 4.5, rotationDeg: 0 },
          to: { xM: 57, yM: 4.5, rotationDeg: 0 },
          widthM: 0.6,
        },
      ],
    },
  ],
});

const caseB = presses(
  [
    {
      count: 4,
      prefix: "b",
      machine: "e110-all-electric",
      mold: "medical-cap-8cav",
      material: "ps-styron-678e",
      robot: true,
      commissionedOn: "2024-01-10",
    },
    {
      count: 2,
      prefix: "b",
      machine: "sh250-servo-hydraulic",
      mold: "container-thinwall-2cav",
      material: "hdpe-sabic",
      robot: true,
      commissionedOn: "2022-05-20",
    },
  ],
  6,
);
write("./case-b-medical.json", {
  id: "case-b-medical",
  name: "Case B — medical devices, 6 presses, per-cavity traceability",
  description:
    "Medical molder (domain case B): many small lots, every part traceable to press, cavity, cycle values and material lot; fixed monthly fee plus a small fee per part.",
  tenant: "medtech-demo",
  traceability: "per-cavity",
  shiftHoursPerDay: 16,
  cells: [{ id: "cleanroom-1", name: "Clean room ISO 7", presses: caseB, conveyors: [] }],
});
