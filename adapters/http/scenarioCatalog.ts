import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { TenantScope } from "./tenancy.ts";
import { unknown } from "./tenancy.ts";

export interface ScenarioEntry {
  id: string;
  kind: string;
  name: string;
  description: string;
  /** The plant id a fleet scenario runs on (window and sweep scenarios have none). */
  plant: string | null;
  path: string;
  content: unknown;
}

/** The scenario files users can run from the service (scenarios/*.json), read once at start. */
export class ScenarioCatalog {
  readonly entries: ScenarioEntry[];

  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.entries = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => {
        const path = join(dir, f);
        const content = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
        return {
          id: basename(f, ".json"),
          kind: String(content.kind ?? ""),
          name: String(content.name ?? f),
          description: String(content.description ?? ""),
          plant: plantId(content.plant),
          path,
          content,
        };
      });
  }

  /** Scenarios of the kinds the role may run, on plants the tenant may see. */
  list(scope: TenantScope): ScenarioEntry[] {
    const plants = new Set(scope.plants().map((p) => p.id));
    return this.entries.filter(
      (e) => scope.permissions.runKinds.includes(e.kind) && (e.plant === null || plants.has(e.plant)),
    );
  }

  get(id: string, scope: TenantScope): ScenarioEntry {
    const e = this.list(scope).find((x) => x.id === id);
    if (!e) throw unknown("scenario", id);
    return e;
  }

  /** The SLA availability target of a plant's contract scenario, if there is one. */
  slaTarget(plant: string): number | null {
    for (const e of this.entries) {
      if (e.kind !== "contract" || e.plant !== plant) continue;
      const t = (e.content as { sla?: { availabilityTarget?: unknown } }).sla?.availabilityTarget;
      if (typeof t === "number") return t;
    }
    return null;
  }
}

/** `"plant": "case-a-automotive"` or a path to a plant file: the id is the file stem. */
export function plantId(ref: unknown): string | null {
  if (typeof ref !== "string") return null;
  return basename(ref).replace(/\.json$/, "");
}
