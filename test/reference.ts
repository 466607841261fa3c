/**
 * Published numbers the tests compare against, written out once: molding.md §3.1 (Cross-WLF and 2-domain Tait
 * of the traceable grades). Deliberately not read from the library, so a typo in a card fails a test.
 */

export const MATERIAL_IDS = [
  "ps-styron-678e",
  "hdpe-sabic",
  "pp-isofil-hk10-tvhm",
  "abs-generic",
  "pc-generic",
  "pa66-generic",
  "pom-generic",
];

export const REFERENCE_CROSS_WLF = {
  "ps-styron-678e": {
    n: 0.252,
    tauStarPa: 30800,
    d1PaS: 4.76e10,
    d2K: 373.15,
    d3KPerPa: 0,
    a1: 25.7,
    a2TildeK: 61.06,
    etaMinPaS: 5,
    etaMaxPaS: 1e8,
  },
  "hdpe-sabic": {
    n: 0.393539,
    tauStarPa: 64568.9,
    d1PaS: 3.76174e15,
    d2K: 153.15,
    d3KPerPa: 0,
    a1: 33.21,
    a2TildeK: 51.6,
    etaMinPaS: 5,
    etaMaxPaS: 5e5,
  },
  "pp-isofil-hk10-tvhm": {
    n: 0.2895,
    tauStarPa: 37623.5,
    d1PaS: 2.17218e14,
    d2K: 263.15,
    d3KPerPa: 0,
    a1: 32.463,
    a2TildeK: 51.6,
  },
} as const;

// molding.md §3.1 2-domain Tait table.
export const REFERENCE_TAIT = {
  "ps-styron-678e": {
    b1m: 9.76e-4,
    b2m: 5.8e-7,
    b3m: 1.67e8,
    b4m: 3.6e-3,
    b1s: 9.76e-4,
    b2s: 2.3e-7,
    b3s: 2.6e8,
    b4s: 3.0e-3,
    b5: 373.0,
    b6: 5.1e-7,
    b7: 0,
    b8: 0,
    b9: 0,
  },
  "hdpe-sabic": {
    b1m: 1.2495299e-3,
    b2m: 1.026e-6,
    b3m: 1.042149833644e8,
    b4m: 4.941e-3,
    b1s: 1.070046e-3,
    b2s: 2.077e-7,
    b3s: 3.3241950281e8,
    b4s: 2.46e-6,
    b5: 390.65,
    b6: 1.543e-7,
    b7: 1.89858e-4,
    b8: 2.83477e-2,
    b9: 1.023e-8,
  },
} as const;
