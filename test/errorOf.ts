import { MoldtwinError } from "../engine/errors.ts";

/** The MoldtwinError `f` throws, for tests to check its code and details; any other throw, or none, fails. */
export function errorOf(f: () => unknown): MoldtwinError {
  try {
    f();
  } catch (e) {
    if (e instanceof MoldtwinError) return e;
    throw e;
  }
  throw new Error("expected a MoldtwinError");
}
