import type { Command } from "commander";
import { DEFAULT_PLANT_PATH, loadPlant } from "../../plantFile.ts";
import { numeric, run } from "../io.ts";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run the service on the embedded default plant (Case A) at http://localhost:8080")
    .option("--plant <file>", "plant file", DEFAULT_PLANT_PATH)
    .option("--port <port>", "HTTP port", process.env.PORT ?? "8080")
    .option("--host <host>", "interface to listen on", process.env.HOST ?? "0.0.0.0")
    .action(async (o) =>
      run(false, async () => {
        const plant = loadPlant(o.plant);
        // fastify loads on use: every other command starts faster.
        const { buildServer } = await import("../../http/server.ts");
        const app = buildServer(plant);
        const port = numeric(o.port);
        await app.listen({ port: typeof port === "number" ? port : 8080, host: o.host });
        process.stdout.write(`moldtwin serving ${plant.name} at http://localhost:${port}/ (Ctrl-C to stop)\n`);
        const stop = async (signal: string): Promise<void> => {
          process.stdout.write(`\n${signal}: shutting down\n`);
          await app.close();
          process.exit(0);
        };
        process.once("SIGINT", () => void stop("SIGINT"));
        process.once("SIGTERM", () => void stop("SIGTERM"));
      }),
    );
}
