import { MoldtwinError } from "../../engine/errors.ts";

/** Freezes a validated card and everything in it, so every caller shares cards none can change. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The card with this id, or TWIN_ERR_UNKNOWN_ID listing the known ones. */
export function findCard<C extends { id: string }>(kind: string, cards: readonly C[], id: string): C {
  const card = cards.find((c) => c.id === id);
  if (!card) {
    const ids = cards.map((c) => c.id).join(", ");
    throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `unknown ${kind} id "${id}"; known: ${ids}`, [
      { field: kind, value: id, allowed: `one of: ${ids}` },
    ]);
  }
  return card;
}
