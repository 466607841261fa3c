import { format } from "node:util";
import { setDebugLogger, setErrorLogger, setWarningLogger } from "node-opcua";

/**
 * node-opcua prints its diagnostics with console.log, which would break `--json` (one object on stdout). Route
 * them to stderr, and drop the loader's known-harmless nodeset warnings ("bindExtensionObject: coerce to
 * ExtensionObject[]", opcua-euromap77.md §2) unless MOLDTWIN_DEBUG is set.
 */
const HARMLESS =
  /bindExtensionObject: coerce|read_operational_limits|dataValue =|statusCode:|serverTimestamp:|sourceTimestamp:|value: Variant\(Scalar<Null>/;

function toStderr(...args: unknown[]): void {
  const line = format(...args);
  if (!process.env.MOLDTWIN_DEBUG && HARMLESS.test(line)) return;
  process.stderr.write(`${line}\n`);
}

setWarningLogger(toStderr);
setErrorLogger(toStderr);
setDebugLogger(toStderr);
