import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { IN } from "../../../engine/molding/layout.ts";
import { type ShotResult, simulateShot, toInputs } from "../../../engine/molding/simulateShot.ts";
import { starterSettings } from "../../../engine/molding/starterSettings.ts";
import { resolveTwin, type Twin } from "../../../twin-models/resolve.ts";
import { ProcessSettings } from "../../../twin-models/schemas/process.ts";
import { ShotScenario, TwinRef, TwinWear } from "../../../twin-models/schemas/scenario.ts";
import { parse } from "../../../twin-models/validate.ts";
import { fmt, numeric, printJson, readJsonFile, run, table } from "../io.ts";

const SETTING_NAMES = Object.keys(ProcessSettings.properties);

/** `--set name=value` pairs, parsed but not yet validated (the schema does that, naming the field). */
export function parseSetPairs(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const name = eq > 0 ? pair.slice(0, eq) : pair;
    if (eq <= 0 || !SETTING_NAMES.includes(name)) {
      throw new MoldtwinError("CLI_ERR_USAGE", `--set expects name=value with a known setting, got "${pair}"`, [
        { field: `--set ${name}`, value: pair, allowed: `name=value, name one of: ${SETTING_NAMES.join(", ")}` },
      ]);
    }
    out[name] = numeric(pair.slice(eq + 1));
  }
  return out;
}

export interface SimulateRequest {
  name: string;
  twin: Twin;
  settings: ProcessSettings;
  settingsSource: "scenario" | "starter recipe + --set" | "scenario + --set";
}

/** Builds the request from a scenario file or from ids, then `--set` overrides; every value is validated. */
export function buildRequest(
  scenarioPath: string | undefined,
  ids: { material?: string; machine?: string; mold?: string },
  sets: string[],
  wearMonths?: string,
): SimulateRequest {
  const req = buildUnwornRequest(scenarioPath, ids, sets);
  if (wearMonths === undefined) return req;
  const wear = parse(TwinWear, { ...req.twin.wear, ageMonths: numeric(wearMonths) }, "--wear-months");
  return { ...req, twin: { ...req.twin, wear }, name: `${req.name}, wear parts ${wear.ageMonths} months old` };
}

function buildUnwornRequest(
  scenarioPath: string | undefined,
  ids: { material?: string; machine?: string; mold?: string },
  sets: string[],
): SimulateRequest {
  const overrides = parseSetPairs(sets);
  if (scenarioPath) {
    const raw = readJsonFile(scenarioPath, "scenario") as Record<string, unknown>;
    if (raw && typeof raw === "object" && raw.settings && typeof raw.settings === "object") {
      raw.settings = { ...(raw.settings as object), ...overrides };
    }
    const sc = parse(ShotScenario, raw, "scenario");
    return {
      name: sc.name,
      twin: resolveTwin(sc.twin, "scenario.twin"),
      settings: sc.settings,
      settingsSource: sets.length ? "scenario + --set" : "scenario",
    };
  }
  const missing = (["material", "machine", "mold"] as const).filter((k) => !ids[k]);
  if (missing.length > 0) {
    throw new MoldtwinError(
      "CLI_ERR_USAGE",
      `give a scenario file, or --material, --machine and --mold (missing: ${missing.join(", ")})`,
      missing.map((m) => ({ field: `--${m}`, allowed: "a library id (moldtwin library list)" })),
    );
  }
  const twin = resolveTwin(parse(TwinRef, ids, "twin"));
  const settings = parse(ProcessSettings, { ...starterSettings(twin), ...overrides }, "settings");
  return {
    name: `${twin.mold.id} on ${twin.machine.id} with ${twin.material.id}`,
    twin,
    settings,
    settingsSource: "starter recipe + --set",
  };
}

/** The adjustments the kernel actually runs with once wear is applied (explicit and worn combined). */
export function wornInputs(req: SimulateRequest): { checkRingLeakageFraction: number; screwOutputFactor: number } {
  const inputs = toInputs(req.twin, req.settings);
  return {
    checkRingLeakageFraction: inputs[IN.checkRingLeakageFraction]!,
    screwOutputFactor: inputs[IN.screwOutputFactor]!,
  };
}

export function humanReport(req: SimulateRequest, r: ShotResult): string {
  const { twin } = req;
  let s = `moldtwin shot — ${req.name}\n`;
  s += `  material ${twin.material.id} (${twin.material.trust}), machine ${twin.machine.id} (${twin.machine.driveType}), mold ${twin.mold.id} (${twin.mold.cavities} cavities)\n`;
  if (twin.material.trust !== "traceable") s += "  note: representative material data, not grade data\n";
  s += `\n${table(`settings (${req.settingsSource})`, req.settings as unknown as Record<string, unknown>)}`;
  if (req.twin.wear) s += `\n${table(`wear after ${req.twin.wear.ageMonths} months`, { ...wornInputs(req) })}`;
  s += `\n${table("fill", r.fill)}\n${table("pack", r.pack)}\n${table("cooling", r.cooling)}\n${table("cycle", r.cycle)}`;
  s += `\n${table("clamp", r.clamp)}\n${table("energy", r.energy)}\n${table("quality", r.quality)}\n`;
  s += "defects            margin   status   limited by\n";
  for (const [name, d] of Object.entries(r.defects)) {
    s += `  ${name.padEnd(14)} ${fmt(d.margin).padStart(8)}   ${d.status.padEnd(8)} ${d.limitedBy}\n`;
  }
  return s;
}

/** The options that say which twin and settings a shot command runs: library ids and `--set` overrides. */
export function shotSourceOptions(command: Command): Command {
  return command
    .option("--material <id>", "material id")
    .option("--machine <id>", "machine id")
    .option("--mold <id>", "mold id")
    .option("--wear-months <n>", "age the screw, barrel and check ring by n months of operation (engine/wear)")
    .option(
      "--set <name=value>",
      "override a setting, e.g. --set holdPressureMPa=40 (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    );
}

export function registerSimulate(program: Command): void {
  shotSourceOptions(
    program
      .command("simulate [scenario]")
      .description(
        "simulate one shot: from a scenario file, or from library ids (starter recipe) with --set overrides",
      ),
  )
    .option("--json", "print one JSON object")
    .action(async (scenario: string | undefined, o) =>
      run(Boolean(o.json), () => {
        const req = buildRequest(
          scenario,
          { material: o.material, machine: o.machine, mold: o.mold },
          o.set,
          o.wearMonths,
        );
        const result = simulateShot(req.twin, req.settings);
        if (o.json) {
          printJson({
            scenario: req.name,
            twin: {
              materialId: req.twin.material.id,
              machineId: req.twin.machine.id,
              moldId: req.twin.mold.id,
              materialTrust: req.twin.material.trust,
            },
            settingsSource: req.settingsSource,
            settings: req.settings,
            adjustments: req.twin.adjustments,
            ...(req.twin.wear ? { wear: { ...req.twin.wear, effectiveAdjustments: wornInputs(req) } } : {}),
            result,
          });
        } else process.stdout.write(humanReport(req, result));
      }),
    );
}
