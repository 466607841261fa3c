/**
 * One registry of stable error codes (after fastify's lib/errors.js). API, CLI and tests assert on `code`,
 * never on message text. Every error that reaches a user names the field, the value, the unit and what is
 * allowed, so bad input is fixable without reading source.
 */

export const ERROR_CODES = {
  /** A value failed its schema: wrong type, missing, out of the schema range, unknown property. */
  TWIN_ERR_VALIDATION: { exitCode: 2, httpStatus: 400 },
  /** A physically impossible or inconsistent combination (e.g. melt above the material's absolute max). */
  TWIN_ERR_OUT_OF_RANGE: { exitCode: 2, httpStatus: 422 },
  /** A library id (material, machine, mold, plant) that does not exist. */
  TWIN_ERR_UNKNOWN_ID: { exitCode: 2, httpStatus: 404 },
  /** A file that cannot be read or parsed. */
  FILE_ERR_READ: { exitCode: 2, httpStatus: 400 },
  /** Wrong command-line usage (unknown option, missing argument). */
  CLI_ERR_USAGE: { exitCode: 2, httpStatus: 400 },
  /** Data that a statistical method cannot use: no failures, too few distinct times, a degenerate likelihood. */
  FIT_ERR_INSUFFICIENT_DATA: { exitCode: 2, httpStatus: 422 },
  /** A failure that is not the input's fault: a bug. Reported without a stack trace (MOLDTWIN_DEBUG=1 shows it). */
  INTERNAL_ERR: { exitCode: 1, httpStatus: 500 },
  /** The engine produced a non-finite number: a bug or an input outside the model's validity; never emitted silently. */
  SIM_ERR_NON_FINITE: { exitCode: 3, httpStatus: 500 },
  /** A run stopped by its caller (AbortSignal, Ctrl-C): nothing wrong with the input. */
  RUN_ERR_CANCELLED: { exitCode: 130, httpStatus: 409 },
  /** A run's result asked for before the run is done. */
  RUN_ERR_NOT_DONE: { exitCode: 2, httpStatus: 409 },
  /** Too many runs waiting for a worker: try again later (the HTTP service's job queue). */
  RUN_ERR_QUEUE_FULL: { exitCode: 75, httpStatus: 429 },
  /** The distributed runner's Redis cannot be reached or was lost, or no worker took its chunks in time. */
  RUN_ERR_QUEUE_UNAVAILABLE: { exitCode: 69, httpStatus: 503 },
  /** A chunk of a distributed run failed on every attempt (its workers kept erroring or dying on it). */
  RUN_ERR_CHUNK_FAILED: { exitCode: 1, httpStatus: 502 },
  /** Too many requests from one API token (or one address without a valid token): wait for Retry-After. */
  HTTP_ERR_RATE_LIMITED: { exitCode: 75, httpStatus: 429 },
  /** The service is shedding load (event loop lagging or heap near its limit): wait for Retry-After. */
  HTTP_ERR_OVERLOADED: { exitCode: 75, httpStatus: 429 },
  /** An HTTP request without a valid API token. */
  AUTH_ERR_UNAUTHENTICATED: { exitCode: 2, httpStatus: 401 },
  /** A valid token whose role may not use this route. (Another tenant's data answers TWIN_ERR_UNKNOWN_ID: 404.) */
  AUTH_ERR_FORBIDDEN: { exitCode: 2, httpStatus: 403 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `settings.meltTempC` or `mold.flowPath[2].thicknessMm`. */
  field?: string;
  value?: unknown;
  unit?: string;
  /** What is allowed, in words: `0 < x ≤ 320`, `one of: hydraulic, servo-hydraulic, all-electric`. */
  allowed?: string;
}

export class MoldtwinError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = "MoldtwinError";
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Formats one detail as a single readable clause: `settings.meltTempC = 400 °C; allowed: ≤ 285 °C`. */
export function describeDetail(d: ErrorDetail): string {
  const unit = d.unit && typeof d.value === "number" ? ` ${d.unit}` : "";
  const value = d.value === undefined ? "(missing)" : `${JSON.stringify(d.value)}${unit}`;
  const allowed = d.allowed ? `; allowed: ${d.allowed}` : "";
  return `${d.field ?? "(input)"} = ${value}${allowed}`;
}
