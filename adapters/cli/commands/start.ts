import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { numeric, run } from "../io.ts";

/**
 * `npm start`: the whole product — simulated Case A and Case B cells on OPC UA, ingest, the history store, the
 * live twin with calibration, the job pool, the API and the 3D viewer — or the same against real endpoints.
 */
export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run the service: simulated cells (or real OPC UA endpoints), ingest, store, API and 3D viewer")
    .option("--port <port>", "HTTP port", process.env.PORT ?? "8080")
    .option(
      "--host <host>",
      "interface to listen on (0.0.0.0 for every interface: put TLS in front)",
      process.env.HOST ?? "127.0.0.1",
    )
    .option(
      "--endpoint <url...>",
      "real OPC UA endpoints to ingest instead of the simulated cells (env MOLDTWIN_OPCUA_ENDPOINTS, comma-separated)",
    )
    .option("--opcua-security <mode>", "real endpoints: none | sign-and-encrypt (Basic256Sha256)", "none")
    .option("--opcua-user <user:password>", "real endpoints: the OPC UA user (env MOLDTWIN_OPCUA_USER)")
    .option("--plant <file...>", "plant files (default: seeds/case-a-automotive.json and seeds/case-b-medical.json)")
    .option("--state-dir <dir>", "tokens, history store and PKI", process.env.MOLDTWIN_STATE_DIR ?? ".moldtwin")
    .option("--time-scale <x>", "simulated cells: wall seconds per simulated second (0.1 = 10× speed)", "1")
    .option("--opcua-port <port>", "first port of the simulated cells", "48400")
    .option("--no-demo-tokens", "do not seed demo tokens on first start")
    .option(
      "--redis <url>",
      "run window, forecast and contract jobs on `moldtwin worker`s through Redis (env MOLDTWIN_REDIS)",
    )
    .action(async (o) =>
      run(false, async () => {
        const port = numeric(o.port);
        const timeScale = numeric(o.timeScale);
        const opcuaPort = numeric(o.opcuaPort);
        if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
          throw new MoldtwinError("CLI_ERR_USAGE", `--port ${o.port}: an integer 0–65535`, [
            { field: "--port", value: o.port, allowed: "an integer 0–65535" },
          ]);
        }
        if (typeof timeScale !== "number" || !(timeScale > 0)) {
          throw new MoldtwinError("CLI_ERR_USAGE", `--time-scale ${o.timeScale}: a number > 0`, [
            { field: "--time-scale", value: o.timeScale, allowed: "a number > 0 (1 = real time)" },
          ]);
        }
        if (o.opcuaSecurity !== "none" && o.opcuaSecurity !== "sign-and-encrypt") {
          throw new MoldtwinError("CLI_ERR_USAGE", `--opcua-security ${o.opcuaSecurity}: none or sign-and-encrypt`, [
            { field: "--opcua-security", value: o.opcuaSecurity, allowed: "none, sign-and-encrypt" },
          ]);
        }
        const userSpec: string | undefined = o.opcuaUser ?? process.env.MOLDTWIN_OPCUA_USER;
        const colon = userSpec?.indexOf(":") ?? -1;
        if (userSpec !== undefined && colon <= 0) {
          throw new MoldtwinError("CLI_ERR_USAGE", "--opcua-user: user:password", [
            { field: "--opcua-user", allowed: "user:password (the value is not echoed)" },
          ]);
        }
        const envEndpoints = (process.env.MOLDTWIN_OPCUA_ENDPOINTS ?? "").split(",").filter((s) => s.trim() !== "");
        const endpoints: string[] = (o.endpoint as string[] | undefined) ?? envEndpoints;
        const log = (line: string): void => {
          process.stdout.write(`${line}\n`);
        };
        const { startService } = await import("../../http/service.ts");
        const service = await startService({
          port,
          host: o.host,
          stateDir: o.stateDir,
          ...(o.plant ? { plantFiles: o.plant as string[] } : {}),
          ...(endpoints.length ? { endpoints } : {}),
          opcuaSecurity: o.opcuaSecurity,
          ...(userSpec ? { opcuaUser: { user: userSpec.slice(0, colon), password: userSpec.slice(colon + 1) } } : {}),
          timeScale,
          opcuaBasePort: typeof opcuaPort === "number" ? opcuaPort : 48400,
          demoTokens: o.demoTokens !== false,
          ...((o.redis ?? process.env.MOLDTWIN_REDIS) ? { redisUrl: o.redis ?? process.env.MOLDTWIN_REDIS } : {}),
          log,
        });
        log(`\nmoldtwin is running at ${service.url} (API docs at ${service.url}docs) — Ctrl-C stops it`);
        const names = Object.keys(service.tokens);
        if (names.length > 0) {
          log("\nDemo tokens (open the URL with #token=<token>, or send Authorization: Bearer <token>):");
          for (const name of names) log(`  ${name.padEnd(20)} ${service.url}#token=${service.tokens[name]}`);
        }
        let stopping = false;
        const stop = async (signal: string): Promise<void> => {
          if (stopping) return;
          stopping = true;
          log(`\n${signal}: shutting down`);
          await service.stop();
          log("stopped");
          process.exit(0);
        };
        process.once("SIGINT", () => void stop("SIGINT"));
        process.once("SIGTERM", () => void stop("SIGTERM"));
      }),
    );
}
