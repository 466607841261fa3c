import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { getCard, type LibraryKind, listCards } from "../../../twin-models/library/index.ts";
import { printJson, run } from "../io.ts";

const KINDS: LibraryKind[] = ["material", "machine", "mold"];

function summary(kind: LibraryKind, c: { id: string; name: string; trust: string }) {
  return { kind, id: c.id, name: c.name, trust: c.trust };
}

export function registerLibrary(program: Command): void {
  const lib = program.command("library").description("the library of materials, machines and molds");
  lib
    .command("list [kind]")
    .description("list cards: material | machine | mold (default all)")
    .option("--json", "print one JSON object")
    .action(async (kind: string | undefined, o) =>
      run(Boolean(o.json), () => {
        if (kind !== undefined && !KINDS.includes(kind as LibraryKind)) {
          throw new MoldtwinError("CLI_ERR_USAGE", `unknown kind "${kind}"`, [
            { field: "kind", value: kind, allowed: `one of: ${KINDS.join(", ")}` },
          ]);
        }
        const kinds = kind ? [kind as LibraryKind] : KINDS;
        const rows = kinds.flatMap((k) => listCards(k).map((c) => summary(k, c)));
        if (o.json) printJson({ cards: rows });
        else {
          const w = Math.max(...rows.map((r) => r.id.length));
          for (const r of rows)
            process.stdout.write(`${r.kind.padEnd(9)} ${r.id.padEnd(w)}  ${r.trust.padEnd(10)} ${r.name}\n`);
        }
      }),
    );
  lib
    .command("show <id>")
    .description("print one card (any kind) as JSON, with its source and assumptions")
    .option("--json", "print one JSON object")
    .action(async (id: string, o) =>
      run(Boolean(o.json), () => {
        for (const k of KINDS) {
          if (listCards(k).some((c) => c.id === id)) {
            printJson({ kind: k, card: getCard(k, id) });
            return;
          }
        }
        const all = KINDS.flatMap((k) => listCards(k).map((c) => c.id));
        throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `unknown library id "${id}"`, [
          { field: "id", value: id, allowed: `one of: ${all.join(", ")}` },
        ]);
      }),
    );
}
