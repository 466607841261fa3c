import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { TagMap } from "../../../twin-models/schemas/tagMap.ts";
import { parse } from "../../../twin-models/validate.ts";
import type { SimCell } from "../../opcua/cell.ts";
import type { Ingest } from "../../opcua/ingest.ts";
import { loadPlantRef } from "../../plantFile.ts";
import { DEFAULT_STORE_PATH } from "../../store/names.ts";
import { numeric, printJson, readJsonFile, run } from "../io.ts";

/**
 * `moldtwin ingest --endpoint opc.tcp://…`: the live twin's data feed — finds the EUROMAP 77 machines on each
 * endpoint, subscribes to their signals and cycle events, and writes them to the history store until Ctrl-C or
 * `--duration`. `--sim` starts the embedded simulated cell and ingests from it (the whole loop on one laptop).
 */
export function registerIngest(program: Command): void {
  program
    .command("ingest")
    .description("ingest OPC UA EUROMAP 77 machines into the history store (--sim: from the embedded simulated cell)")
    .option("--endpoint <url...>", "OPC UA endpoint(s), e.g. opc.tcp://press-17:4840")
    .option("--sim [plant]", "start the simulated cell for a plant (default case-a-automotive) and ingest from it")
    .option("--sim-port <port>", "port of the simulated cell", "4840")
    .option("--time-scale <x>", "simulated cell: wall-clock seconds per simulated second", "1")
    .option(
      "--fault <press:fault...>",
      "simulated cell: inject a fault (heater-band, check-ring, oil-overheat, offline, sensor)",
    )
    .option("--tag-map <file.json>", "presses without EUROMAP 77: signals and shot counter by node id (see README)")
    .option("--store <file>", "history store file", DEFAULT_STORE_PATH)
    .option("--duration <s>", "stop after this many seconds (default: until Ctrl-C)")
    .option("--security <mode>", "none | sign-and-encrypt", "none")
    .option("--user <user:password>", "user for sign-and-encrypt")
    .option("--json", "print the final statistics as one JSON object")
    .action(async (o) =>
      run(Boolean(o.json), async () => {
        // node-opcua takes ≈ 2 s to load: only the commands that use it load it.
        const { startSimCell } = await import("../../opcua/cell.ts");
        const { startIngest } = await import("../../opcua/ingest.ts");
        const endpoints: string[] = (o.endpoint as string[] | undefined) ?? [];
        let cell: SimCell | null = null;
        if (o.sim !== undefined) {
          const plant = loadPlantRef(typeof o.sim === "string" ? o.sim : "case-a-automotive", ".");
          const scale = numeric(o.timeScale);
          cell = await startSimCell({
            plant,
            port: Number(o.simPort),
            timeScale: typeof scale === "number" ? scale : 1,
          });
          for (const f of (o.fault as string[] | undefined) ?? []) {
            const [press, fault] = f.split(":");
            cell.injectFault(press ?? "", fault as Parameters<SimCell["injectFault"]>[1]);
          }
          endpoints.push(cell.endpointUrl);
        }
        const tagMap = o.tagMap ? parse(TagMap, readJsonFile(o.tagMap, "tag map"), "tagMap") : undefined;
        if (endpoints.length === 0 && !tagMap) {
          throw new MoldtwinError("CLI_ERR_USAGE", "give --endpoint opc.tcp://… or --sim", [
            { field: "endpoint", value: null, allowed: "one or more opc.tcp:// URLs, or --sim" },
          ]);
        }
        const [user, password] = String(o.user ?? ":").split(":");
        const { openStore } = await import("../../store/historyStore.ts");
        const store = await openStore(o.store);
        const log = (line: string): void => {
          if (!o.json) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
        };
        let ingest: Ingest | null = null;
        try {
          ingest = await startIngest({
            endpoints,
            ...(tagMap ? { tagMap } : {}),
            sink: store,
            security: o.security,
            ...(o.user ? { user: { user: user ?? "", password: password ?? "" } } : {}),
            log,
          });
          const status = setInterval(() => {
            const s = ingest!.stats();
            log(
              `${s.presses} presses: ${s.cycles} cycles, ${s.signals} signals, ${s.quarantined} quarantined, ${s.gaps} gaps (${s.missingCycles} cycles missing); latency p99 ${s.latencyMs.p99} ms`,
            );
          }, 5000);
          await new Promise<void>((resolve) => {
            const duration = numeric(o.duration);
            if (typeof duration === "number") setTimeout(resolve, duration * 1000);
            process.once("SIGINT", () => resolve());
            process.once("SIGTERM", () => resolve());
          });
          clearInterval(status);
        } finally {
          await ingest?.stop();
          await cell?.stop();
        }
        const stats = { ...ingest!.stats(), store: o.store, counts: await store.counts(), presses: ingest!.presses };
        await store.close();
        if (o.json) printJson(stats);
        else process.stdout.write(`ingested into ${o.store}: ${JSON.stringify(stats.counts)}\n`);
        process.exit(0);
      }),
    );
}
