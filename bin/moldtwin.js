#!/usr/bin/env node
// Shim for `npx moldtwin`: the CLI is TypeScript run natively by Node ≥ 24 (type stripping), which npm puts
// first on PATH from the `node` devDependency. On an older Node, say so instead of failing obscurely.
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(
    `moldtwin needs Node 24 (this is ${process.version}); run it through npm (npx moldtwin, npm run moldtwin) after npm ci.\n`,
  );
  process.exit(2);
}
const { main } = await import("../adapters/cli/main.ts");
await main(process.argv);
