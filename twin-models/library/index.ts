import { MoldtwinError } from "../../engine/errors.ts";
import { Machine } from "../schemas/machine.ts";
import { Material } from "../schemas/material.ts";
import { Mold } from "../schemas/mold.ts";
import { parse } from "../validate.ts";
import { MACHINES } from "./machines.ts";
import { MATERIALS } from "./materials.ts";
import { MOLDS } from "./molds.ts";

export { DRIVE_TYPICALS, typicalBasePowerKW, withDriveType } from "./drives.ts";

export type LibraryKind = "material" | "machine" | "mold";

const SCHEMAS = { material: Material, machine: Machine, mold: Mold } as const;
const CARDS = { material: MATERIALS, machine: MACHINES, mold: MOLDS } as const;

export interface LibraryCards {
  material: Material;
  machine: Machine;
  mold: Mold;
}

/** All cards of a kind, validated against their schema (a library typo must fail loudly, once). */
export function listCards<K extends LibraryKind>(kind: K): LibraryCards[K][] {
  return (CARDS[kind] as unknown[]).map((c, i) =>
    parse(SCHEMAS[kind], c, `library.${kind}[${i}]`),
  ) as LibraryCards[K][];
}

export function getCard<K extends LibraryKind>(kind: K, id: string): LibraryCards[K] {
  const cards = CARDS[kind] as { id: string }[];
  const i = cards.findIndex((c) => c.id === id);
  if (i < 0) {
    const ids = cards.map((c) => c.id).join(", ");
    throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `unknown ${kind} id "${id}"; known: ${ids}`, [
      { field: kind, value: id, allowed: `one of: ${ids}` },
    ]);
  }
  return parse(SCHEMAS[kind], cards[i], `library.${kind}.${id}`) as LibraryCards[K];
}

export const getMaterial = (id: string): Material => getCard("material", id);
export const getMachine = (id: string): Machine => getCard("machine", id);
export const getMold = (id: string): Mold => getCard("mold", id);
