import { resolveTwin } from "../../twin-models/resolve.ts";
import type { ComponentCard } from "../../twin-models/schemas/component.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { type ComponentLife, componentsFor } from "../wear/component.ts";
import { type Duty, dutyOf } from "../wear/duty.ts";

/**
 * A fleet as the reliability engine sees it: every press with the duty its recipe puts on it and the wear parts
 * it carries, each with a life distribution and a condition signature from engine/wear. Presses that run the
 * same machine, mold, material and recipe share one duty and one set of component lives (a 1,000-press fleet
 * of a few press types simulates a few shots, not 1,000).
 */
export interface FleetPress {
  /** Position in the fleet: the random-number stream of its sockets derives from it. */
  index: number;
  id: string;
  name: string;
  cellId: string;
  machine: string;
  mold: string;
  material: string;
  commissionedOn: string;
  duty: Duty;
  components: ComponentLife[];
}

export interface Fleet {
  plantId: string;
  tenant: string;
  /** Operating hours per calendar day: the plant's shift hours × utilisation. */
  operatingHoursPerDay: number;
  presses: FleetPress[];
}

export interface FleetOptions {
  utilisation: number;
  /** Repeat the plant's presses up to this many (ids get an `-rN` suffix); default: the plant as it is. */
  fleetSize?: number;
  cards?: ComponentCard[];
}

export function buildFleet(plant: Plant, options: FleetOptions): Fleet {
  const operatingHoursPerDay = plant.shiftHoursPerDay * options.utilisation;
  const base = plant.cells.flatMap((cell) => cell.presses.map((press) => ({ cell, press })));
  const size = options.fleetSize ?? base.length;
  const byRecipe = new Map<string, { duty: Duty; components: ComponentLife[] }>();
  const presses: FleetPress[] = [];
  for (let i = 0; i < size; i++) {
    const { cell, press } = base[i % base.length]!;
    const repeat = Math.floor(i / base.length);
    const key = JSON.stringify([press.machine, press.mold, press.material, press.settings]);
    let shared = byRecipe.get(key);
    if (!shared) {
      const twin = resolveTwin(
        { machine: press.machine, mold: press.mold, material: press.material },
        `plant.presses.${press.id}`,
      );
      const duty = dutyOf(twin, press.settings, operatingHoursPerDay);
      shared = { duty, components: componentsFor(duty, options.cards) };
      byRecipe.set(key, shared);
    }
    presses.push({
      index: i,
      id: repeat === 0 ? press.id : `${press.id}-r${repeat}`,
      name: repeat === 0 ? press.name : `${press.name}-r${repeat}`,
      cellId: cell.id,
      machine: press.machine,
      mold: press.mold,
      material: press.material,
      commissionedOn: press.commissionedOn,
      ...shared,
    });
  }
  return { plantId: plant.id, tenant: plant.tenant, operatingHoursPerDay, presses };
}

/**
 * Counter-based random stream of one socket: press index, component position and socket number packed into one
 * 32-bit word, so a socket draws the same numbers whatever else is in the fleet or how the work is split.
 */
export function socketStream(pressIndex: number, componentIndex: number, socket: number): number {
  return (pressIndex * 4096 + componentIndex * 64 + socket) >>> 0;
}
