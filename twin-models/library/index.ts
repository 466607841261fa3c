import { Machine } from "../schemas/machine.ts";
import { Material } from "../schemas/material.ts";
import { Mold } from "../schemas/mold.ts";
import { parse } from "../validate.ts";
import { deepFreeze, findCard } from "./cards.ts";
import { MACHINES } from "./machines.ts";
import { MATERIALS } from "./materials.ts";
import { MOLDS } from "./molds.ts";

export { COMPONENTS, getComponent, listComponents } from "./components.ts";
export { DRIVE_TYPICALS, typicalBasePowerKW, withDriveType } from "./drives.ts";

export type LibraryKind = "material" | "machine" | "mold";

const SCHEMAS = { material: Material, machine: Machine, mold: Mold } as const;
const CARDS = { material: MATERIALS, machine: MACHINES, mold: MOLDS } as const;

export interface LibraryCards {
  material: Material;
  machine: Machine;
  mold: Mold;
}

const validated: { [K in LibraryKind]?: readonly LibraryCards[K][] } = {};

/**
 * All cards of a kind, validated against their schema once per process (a library typo must fail loudly) and
 * frozen, so every caller shares the same cards and none can change them for the others.
 */
export function listCards<K extends LibraryKind>(kind: K): readonly LibraryCards[K][] {
  let cards = validated[kind] as readonly LibraryCards[K][] | undefined;
  if (!cards) {
    cards = (CARDS[kind] as unknown[]).map((c, i) =>
      deepFreeze(parse(SCHEMAS[kind], c, `library.${kind}[${i}]`)),
    ) as LibraryCards[K][];
    validated[kind] = cards as never;
  }
  return cards;
}

export function getCard<K extends LibraryKind>(kind: K, id: string): LibraryCards[K] {
  return findCard(kind, listCards(kind), id);
}

export const getMaterial = (id: string): Material => getCard("material", id);
export const getMachine = (id: string): Machine => getCard("machine", id);
export const getMold = (id: string): Mold => getCard("mold", id);
