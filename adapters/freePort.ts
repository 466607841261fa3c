import { once } from "node:events";
import { createServer } from "node:net";

/** A TCP port free right now (the OS picks it): for simulated cells, Redis and services in tests and benches. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const address = srv.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
