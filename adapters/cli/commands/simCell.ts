import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { FAULTS, type Fault } from "../../opcua/pressSim.ts";
import { DEFAULT_PLANT_PATH, loadPlant, loadPlantRef } from "../../plantFile.ts";
import { numeric, run } from "../io.ts";

/**
 * `moldtwin sim-cell`: the embedded simulated cell — every press of a plant as an EUROMAP 77 machine on one
 * OPC UA server, values from the twin, until Ctrl-C. `--fault a01:check-ring` injects a fault at start.
 */
export function registerSimCell(program: Command): void {
  program
    .command("sim-cell")
    .description("run a simulated cell: each press of a plant as an OPC UA EUROMAP 77 (OPC 40077) machine")
    .option("--plant <id|file>", "demo plant id or plant file", "case-a-automotive")
    .option("--port <port>", "OPC UA port", "4840")
    .option("--time-scale <x>", "wall-clock seconds per simulated second (0.1 = 10× faster)", "1")
    .option("--seed <s>", "random seed", "1")
    .option("--presses <ids>", "comma-separated press ids (default: all)")
    .option("--fault <press:fault...>", `inject a fault: ${FAULTS.join(", ")}`)
    .option("--security <mode>", "none | sign-and-encrypt (Basic256Sha256, user required)", "none")
    .option("--user <user:password...>", "accepted user (with sign-and-encrypt)")
    .action(async (o) =>
      run(false, async () => {
        // node-opcua takes ≈ 2 s to load: only the commands that use it load it.
        const { startSimCell } = await import("../../opcua/cell.ts");
        const plant = o.plant.endsWith(".json")
          ? loadPlant(o.plant)
          : o.plant === "default"
            ? loadPlant(DEFAULT_PLANT_PATH)
            : loadPlantRef(o.plant, ".");
        const number = (field: string, raw: string, min: number): number => {
          const v = numeric(raw);
          if (typeof v !== "number" || !(v >= min)) {
            throw new MoldtwinError("CLI_ERR_USAGE", `--${field} must be a number ≥ ${min}`, [
              { field, value: raw, allowed: `≥ ${min}` },
            ]);
          }
          return v;
        };
        if (o.security !== "none" && o.security !== "sign-and-encrypt") {
          throw new MoldtwinError("CLI_ERR_USAGE", "unknown --security", [
            { field: "security", value: o.security, allowed: "none, sign-and-encrypt" },
          ]);
        }
        const users = ((o.user as string[] | undefined) ?? []).map((u) => {
          const [user, password] = u.split(":");
          return { user: user ?? "", password: password ?? "" };
        });
        const cell = await startSimCell({
          plant,
          port: number("port", o.port, 1),
          timeScale: number("time-scale", o.timeScale, 0.001),
          seed: number("seed", o.seed, 0),
          ...(o.presses ? { presses: String(o.presses).split(",") } : {}),
          security: o.security,
          users,
        });
        for (const f of (o.fault as string[] | undefined) ?? []) {
          const [press, fault] = f.split(":");
          if (!FAULTS.includes(fault as Fault)) {
            throw new MoldtwinError("CLI_ERR_USAGE", `unknown fault ${fault}`, [
              { field: "fault", value: f, allowed: FAULTS.join(", ") },
            ]);
          }
          cell.injectFault(press ?? "", fault as Fault);
        }
        process.stdout.write(
          `moldtwin sim-cell: ${cell.presses.length} presses of ${plant.name} at ${cell.endpointUrl} (Ctrl-C to stop)\n`,
        );
        for (const p of cell.presses) {
          process.stdout.write(
            `  ${p.id}: IMM_Moldtwin_${p.serialNumber}, ${p.model}, cycle ${p.cycleTimeS.toFixed(2)} s × ${p.cavities} cavities\n`,
          );
        }
        const stop = async (): Promise<void> => {
          await cell.stop();
          process.exit(0);
        };
        process.once("SIGINT", () => void stop());
        process.once("SIGTERM", () => void stop());
      }),
    );
}
