import { MoldtwinError } from "../../engine/errors.ts";
import type { Plant, PlantPress } from "../../twin-models/schemas/plant.ts";
import { type Principal, type Role, RUN_KINDS_BY_ROLE, SEES_COSTS } from "./auth.ts";

/**
 * Where a principal may look — the one place every query is scoped by tenant.
 *
 * Routes never filter by tenant themselves: they ask the request's `TenantScope` for a cell, a press or a run, and
 * it answers only with what the principal's tenant may see. Something outside the scope answers exactly like
 * something that does not exist (404 TWIN_ERR_UNKNOWN_ID), so ids of other tenants cannot be probed.
 */

export type PlantCell = Plant["cells"][number];

export interface CellEntry {
  plant: Plant;
  cell: PlantCell;
  tenant: string;
}

/** Every plant, cell and press the service runs, by id. */
export class Registry {
  readonly cells: CellEntry[];
  private readonly cellById = new Map<string, CellEntry>();
  private readonly pressById = new Map<string, { press: PlantPress; entry: CellEntry }>();

  readonly plants: readonly Plant[];

  constructor(plants: readonly Plant[]) {
    this.plants = plants;
    this.cells = plants.flatMap((plant) => plant.cells.map((cell) => ({ plant, cell, tenant: plant.tenant })));
    for (const e of this.cells) {
      if (this.cellById.has(e.cell.id)) throw duplicate("cell", e.cell.id, e.plant.id);
      this.cellById.set(e.cell.id, e);
      for (const p of e.cell.presses) {
        if (this.pressById.has(p.id)) throw duplicate("press", p.id, e.plant.id);
        this.pressById.set(p.id, { press: p, entry: e });
      }
    }
  }

  cell(id: string): CellEntry | undefined {
    return this.cellById.get(id);
  }

  press(id: string): { press: PlantPress; entry: CellEntry } | undefined {
    return this.pressById.get(id);
  }
}

/** Two plants (or one plant twice) naming the same cell or press: the service cannot tell them apart. */
function duplicate(what: "cell" | "press", id: string, plant: string): MoldtwinError {
  return new MoldtwinError(
    "TWIN_ERR_VALIDATION",
    `${what} id ${id} of plant ${plant} is already used by another plant`,
    [{ field: `plant ${plant}: ${what} ${id}`, value: id, allowed: `${what} ids unique across the service's plants` }],
  );
}

export interface Permissions {
  costs: boolean;
  runKinds: readonly string[];
}

export class TenantScope {
  readonly permissions: Permissions;
  private readonly cellIds: Set<string>;

  readonly principal: Principal;
  private readonly registry: Registry;

  constructor(principal: Principal, registry: Registry) {
    this.principal = principal;
    this.registry = registry;
    const all = principal.tenant.kind === "maker";
    this.cellIds = new Set(registry.cells.filter((e) => all || e.tenant === principal.tenant.id).map((e) => e.cell.id));
    this.permissions = { costs: SEES_COSTS[principal.role], runKinds: RUN_KINDS_BY_ROLE[principal.role] };
  }

  get role(): Role {
    return this.principal.role;
  }

  /** The tenant a run, a job or a record created by this principal belongs to. */
  get tenantId(): string {
    return this.principal.tenant.id;
  }

  cells(): CellEntry[] {
    return this.registry.cells.filter((e) => this.cellIds.has(e.cell.id));
  }

  cell(id: string): CellEntry {
    const e = this.registry.cell(id);
    if (!e || !this.cellIds.has(id)) throw unknown("cell", id);
    return e;
  }

  press(id: string): { press: PlantPress; entry: CellEntry } {
    const p = this.registry.press(id);
    if (!p || !this.cellIds.has(p.entry.cell.id)) throw unknown("press", id);
    return p;
  }

  pressIds(): string[] {
    return this.cells().flatMap((e) => e.cell.presses.map((p) => p.id));
  }

  plants(): Plant[] {
    return [...new Set(this.cells().map((e) => e.plant))];
  }

  /** A plant is visible when one of its cells is. */
  plant(id: string): Plant {
    const p = this.plants().find((x) => x.id === id);
    if (!p) throw unknown("plant", id);
    return p;
  }

  /** Runs belong to the tenant that started them; within it a role sees the kinds it may run (no costs to others). */
  canSeeRun(run: { tenant: string; kind: string }): boolean {
    return run.tenant === this.principal.tenant.id && this.permissions.runKinds.includes(run.kind);
  }

  requireRunKind(kind: string): void {
    if (!this.permissions.runKinds.includes(kind)) {
      throw new MoldtwinError("AUTH_ERR_FORBIDDEN", `role ${this.role} may not run ${kind}`, [
        {
          field: "kind",
          value: kind,
          allowed: this.permissions.runKinds.length ? this.permissions.runKinds.join(", ") : "no runs for this role",
        },
      ]);
    }
  }
}

export function unknown(what: string, id: string): MoldtwinError {
  return new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `no ${what} ${id}`, [
    { field: `${what}Id`, value: id, allowed: `a ${what} of your tenant` },
  ]);
}

/**
 * Keys that carry money: prices, costs, money margins (not the process window's physical margins), penalties, revenue. For principals without the costs permission
 * they are removed from every response (a net under the routes, which do not send them to customers anyway).
 */
const COST_KEY = /(eur|cost|price|revenue|penalt|fee|npv|profit|^c?var|marginShare|marginHistogram)/i;

export function redactCosts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactCosts);
  if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!COST_KEY.test(k)) out[k] = redactCosts(v);
    return out;
  }
  return value;
}

export const isCostKey = (key: string): boolean => COST_KEY.test(key);
