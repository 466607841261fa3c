import type { PressStatus } from "./api.ts";

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

export const DASH = "–";

/** A fraction 0–1 as a percentage. */
export function pct(x: number | null | undefined, digits = 1): string {
  return isNum(x) ? `${(100 * x).toFixed(digits)} %` : DASH;
}

export function num(x: number | null | undefined, digits = 1): string {
  return isNum(x) ? x.toFixed(digits) : DASH;
}

/** A count with thousands separators. */
export function count(x: number | null | undefined): string {
  return isNum(x) ? Math.round(x).toLocaleString("en-US") : DASH;
}

/** A compact count: 12.3k, 4.56M. */
export function compact(x: number | null | undefined): string {
  if (!isNum(x)) return DASH;
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(x / 1e3).toPrecision(3)}k`;
  return String(Math.round(x));
}

export function eur(x: number | null | undefined): string {
  if (!isNum(x)) return DASH;
  const a = Math.abs(x);
  if (a >= 1e6) return `€${(x / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `€${(x / 1e3).toFixed(1)}k`;
  return `€${Math.round(x).toLocaleString("en-US")}`;
}

export function sig(x: number | null | undefined, digits = 3): string {
  return isNum(x) ? String(Number(x.toPrecision(digits))) : DASH;
}

export function clock(ms: number | null | undefined): string {
  if (!isNum(ms)) return DASH;
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
}

export const STATUS_COLOURS: Record<PressStatus, string> = {
  producing: "#2da44e",
  idle: "#d4a72c",
  alarm: "#e5534b",
  maintenance: "#388bfd",
  offline: "#3d444d",
};
/** Before the first live message. */
export const UNKNOWN_COLOUR = "#8c959f";

export function statusColour(s: string | null | undefined): string {
  return (s && STATUS_COLOURS[s as PressStatus]) || UNKNOWN_COLOUR;
}

export { isNum };
