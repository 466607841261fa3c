/** Who reads what in the HTTP benches: each demo token with the presses it may see, and the read routes. */

const CASE_A = Array.from({ length: 20 }, (_, i) => `a${String(i + 1).padStart(2, "0")}`);
const CASE_B = Array.from({ length: 6 }, (_, i) => `b0${i + 1}`);

export function demoPrincipals(tokens: Record<string, string>): { token: string; presses: string[] }[] {
  return [
    { token: tokens.admin!, presses: [...CASE_A, ...CASE_B] },
    { token: tokens["process-engineer"]!, presses: CASE_A },
    { token: tokens.reliability!, presses: CASE_B },
    { token: tokens.sales!, presses: CASE_A },
    { token: tokens["customer-autoparts"]!, presses: CASE_A },
    { token: tokens["customer-medtech"]!, presses: CASE_B },
  ];
}

/** The read routes, each given a press id (routes without one ignore it). */
export const READ_ROUTES: readonly ((pressId: string) => string)[] = [
  () => "/api/cells",
  (p) => `/api/presses/${p}`,
  () => "/api/kpis",
  (p) => `/api/presses/${p}/history`,
  () => "/api/me",
];
