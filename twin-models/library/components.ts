import { MoldtwinError } from "../../engine/errors.ts";
import { type ComponentCard, parseComponentCard } from "../schemas/component.ts";

/**
 * Wear and failure cards of press and mold components (engine/wear). No public MTBF tables exist per
 * injection-molding component (reliability.md §3): the cited facts (SPI clearance, replacement limits, output loss,
 * nitrided case, the glass-filled wear anchor, ISO 281, ASTM D943, ISO 10816-3) fix the structure and some numbers;
 * everything else is an engineering assumption, listed in each card's `assumed` (field paths). Costs and logistics
 * are assumed mid-size (110–450 t) European figures, 2024 EUR.
 */

const COSTS_ASSUMED = ["partCostEur", "labourHours", "plannedDowntimeH", "unplannedDowntimeH", "leadTimeDays"];

/** ISO 10816-3 velocity zone boundaries, rigid mounting, 15–300 kW: A/B 1.4, B/C 2.8, C/D 4.5 mm/s RMS. */
const VIBRATION = {
  name: "vibration velocity",
  unit: "mm/s RMS",
  newValue: 1.0,
  alertValue: 2.8,
  failureValue: 4.5,
  noiseSd: 0.2,
  pfIntervalH: 700,
  riseExponent: 2,
};

/** Zone controller output needed to hold the setpoint: rises as a heater's elements open before it fails. */
const CONTROLLER_OUTPUT = {
  name: "zone controller output",
  unit: "%",
  newValue: 40,
  alertValue: 70,
  failureValue: 100,
  noiseSd: 3,
  pfIntervalH: 168,
  riseExponent: 2,
};

export const COMPONENTS: ComponentCard[] = [
  {
    id: "screw-barrel-nitrided",
    name: "Screw and barrel, nitrided (general-purpose screw)",
    kind: "screw-barrel",
    partNumber: "MT-SB-N",
    appliesTo: ["hydraulic", "servo-hydraulic", "all-electric"],
    perPress: 1,
    countBasis: "press",
    partCostEur: 9000,
    labourHours: 16,
    plannedDowntimeH: 16,
    unplannedDowntimeH: 48,
    leadTimeDays: 42,
    model: {
      newClearancePerDiameter: 0.0015,
      failureClearanceRatio: 2.5,
      outputLossAtDoubleClearance: 0.25,
      // Calibrated: DOWELL_ANCHOR (φ30, 30 % GF nylon, 100 rpm, 45 % turning, 1 MPa) reaches the limit at 1,250 h.
      wearCoefficientMm3PerNm: 3.32e-10,
      caseLayers: [
        { toDepthMm: 0.08, relativeRate: 1 },
        { toDepthMm: 0.18, relativeRate: 2 },
      ],
      coreRelativeRate: 6,
      compressionPressureMPa: 15,
      filledAbrasivenessAt30Pct: 20,
      fillerExponent: 3,
      unitSigmaLn: 0.35,
      recoveryNoiseFraction: 0.02,
      alertOutputFactor: 0.75,
    },
    source:
      "SPI starting clearance 0.0015 in/in per side and output −25 % at doubled clearance: extremecoatings.net 'How much wear is too much for a typical feedscrew'; metering-zone limit 0.015 in (0.38 mm) total: moldersservices.com 'When good components go bad'; nitrided case 0.18–0.38 mm, hardest in the first 0.002–0.005 in, wear accelerates after 0.007 in: reiloyusa.com nitrided barrels; φ30 nitrided on fibre-filled nylon severely worn after 1,250 h: dowell-machinery.net; leak flow ∝ δ³: Tadmor & Gogos §9.2 (reliability.md §1.6, §3)",
    trust: "assumed",
    assumed: [
      "model.failureClearanceRatio (0.38 mm read as the limit of a 2-in screw, scaled with the diameter)",
      "model.wearCoefficientMm3PerNm (calibrated at an assumed anchor duty: 100 rpm, 45 % turning, 1 MPa back pressure)",
      "model.caseLayers (depths from Reiloy; relative rates assumed)",
      "model.coreRelativeRate",
      "model.compressionPressureMPa (solid-bed pressure in the transition zone, where abrasive wear concentrates)",
      "model.filledAbrasivenessAt30Pct (unfilled melts last 20× longer: years on unfilled PP)",
      "model.fillerExponent (cubic: abrasive contacts multiply with filler content, 10 % ≈ 1.7× unfilled; fillers of every kind treated alike, talc is softer than glass)",
      "model.unitSigmaLn",
      "model.recoveryNoiseFraction",
      "model.alertOutputFactor",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "check-ring-std",
    name: "Check ring (sliding-ring non-return valve), through-hardened tool steel",
    kind: "check-ring",
    partNumber: "MT-CR-S",
    appliesTo: ["hydraulic", "servo-hydraulic", "all-electric"],
    perPress: 1,
    countBasis: "press",
    partCostEur: 650,
    labourHours: 4,
    plannedDowntimeH: 4,
    unplannedDowntimeH: 10,
    leadTimeDays: 14,
    model: {
      newClearancePerDiameter: 0.0015,
      failureClearanceRatio: 2.5,
      leakageAtFailure: 0.15,
      wearCoefficientMm3PerNm: 1.0e-9,
      compressionPressureMPa: 15,
      filledAbrasivenessAt30Pct: 20,
      fillerExponent: 3,
      unitSigmaLn: 0.4,
      cushionNoiseSdMm: 0.03,
      alertLeakage: 0.1,
    },
    source:
      "Archard wear (reliability.md §1.6) of the ring-to-barrel clearance from the SPI starting clearance (extremecoatings.net); slit leak flow ∝ clearance³ (Hagen–Poiseuille); abrasiveness as the screw card",
    trust: "assumed",
    assumed: [
      "model.newClearancePerDiameter (the screw's SPI clearance)",
      "model.failureClearanceRatio",
      "model.leakageAtFailure (15 % of hold pressure: the worn-ring scenario of scenarios/bezel-worn-check-ring.json)",
      "model.wearCoefficientMm3PerNm (3 × the screw's first layer: a ring lasts about 0.6 × a screw on the same duty)",
      "model.compressionPressureMPa",
      "model.filledAbrasivenessAt30Pct",
      "model.fillerExponent",
      "model.unitSigmaLn",
      "model.cushionNoiseSdMm",
      "model.alertLeakage",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "heater-band-mica",
    name: "Barrel heater band, mica insulated",
    kind: "heater-band",
    partNumber: "MT-HB-M",
    appliesTo: ["hydraulic", "servo-hydraulic", "all-electric"],
    perPress: 5,
    countBasis: "press",
    partCostEur: 160,
    labourHours: 1,
    plannedDowntimeH: 1,
    unplannedDowntimeH: 4,
    leadTimeDays: 5,
    model: {
      characteristicLifeH: 30_000,
      referenceTempC: 300,
      activationEnergyEV: 0.9,
      weibullShape: 1.3,
      tempOverMeltK: 60,
      signature: CONTROLLER_OUTPUT,
    },
    source: "Arrhenius-Weibull life-stress model (reliability.md §1.7, `reliability` docs 'Equations of ALT models')",
    trust: "assumed",
    assumed: [
      "perPress (4 barrel zones + nozzle)",
      "model.characteristicLifeH",
      "model.referenceTempC",
      "model.activationEnergyEV",
      "model.weibullShape",
      "model.tempOverMeltK (sheath superheat over the zone setpoint)",
      "model.signature",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "thermocouple-j",
    name: "Barrel thermocouple, type J, bayonet",
    kind: "thermocouple",
    partNumber: "MT-TC-J",
    appliesTo: ["hydraulic", "servo-hydraulic", "all-electric"],
    perPress: 5,
    countBasis: "press",
    partCostEur: 60,
    labourHours: 0.5,
    plannedDowntimeH: 0.5,
    unplannedDowntimeH: 2,
    leadTimeDays: 3,
    model: {
      characteristicLifeH: 20_000,
      referenceTempC: 260,
      activationEnergyEV: 0.7,
      weibullShape: 2,
      tempOverMeltK: 0,
      driftLimitC: 2.2,
      alertDriftC: 1.5,
      noiseSdC: 0.3,
    },
    source:
      "Arrhenius-Weibull (reliability.md §1.7); drift limit = type J standard tolerance ±2.2 °C (ASTM E230 / IEC 60584-1 class 2)",
    trust: "assumed",
    assumed: [
      "perPress",
      "model.characteristicLifeH",
      "model.referenceTempC",
      "model.activationEnergyEV",
      "model.weibullShape",
      "model.alertDriftC",
      "model.noiseSdC",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "hydraulic-oil-hm46",
    name: "Hydraulic oil fill, ISO VG 46 HM (anti-wear mineral)",
    kind: "hydraulic-oil",
    partNumber: "MT-OIL-HM46",
    appliesTo: ["hydraulic", "servo-hydraulic"],
    perPress: 1,
    countBasis: "press",
    partCostEur: 1800,
    labourHours: 6,
    plannedDowntimeH: 6,
    unplannedDowntimeH: 12,
    leadTimeDays: 3,
    model: {
      referenceLifeH: 1000,
      referenceTempC: 95,
      doublingIntervalK: 10,
      weibullShape: 3,
      newAcidNumber: 0.5,
      alertAcidNumber: 1.2,
      failureAcidNumber: 2,
      acidNumberNoiseSd: 0.08,
      riseExponent: 3,
    },
    source:
      "Oxidation rate doubles per +10 °C (Noria, 'Arrhenius rate rule'; reliability.md §1.7); ASTM D943 TOST at 95 °C to AN 2.0 mg KOH/g; change on condition (Belcher, doi 10.1201/9781420014815-13). Oil temperature: an assumed estimate from drive and pressure load (engine/wear/hydraulic.ts OIL_TEMP)",
    trust: "assumed",
    assumed: [
      "model.referenceLifeH (TOST life 2,000 h halved for hot spots in pump and relief valve)",
      "model.weibullShape",
      "model.newAcidNumber",
      "model.alertAcidNumber",
      "model.acidNumberNoiseSd",
      "model.riseExponent",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "hydraulic-pump-fixed",
    name: "Main pump, fixed-displacement vane pump",
    kind: "hydraulic-pump",
    partNumber: "MT-PMP-FV",
    appliesTo: ["hydraulic"],
    perPress: 1,
    countBasis: "press",
    partCostEur: 5500,
    labourHours: 8,
    plannedDowntimeH: 8,
    unplannedDowntimeH: 48,
    leadTimeDays: 21,
    model: {
      fatigueLifeAtRatedH: 10_000,
      pressureExponent: 3,
      wearLifeH: 40_000,
      referenceOilTempC: 50,
      halvingIntervalK: 15,
      idlePressureShare: 0.1,
      weibullShape: 1.5,
      signature: {
        name: "internal leakage",
        unit: "% of rated flow",
        newValue: 3,
        alertValue: 6,
        failureValue: 10,
        noiseSd: 0.5,
        pfIntervalH: 500,
        riseExponent: 2,
      },
    },
    source: "Competing risks: pressure fatigue as ISO 281 (reliability.md §1.5) and temperature-driven wear (§1.7)",
    trust: "assumed",
    assumed: [
      "model.fatigueLifeAtRatedH",
      "model.pressureExponent",
      "model.wearLifeH",
      "model.referenceOilTempC",
      "model.halvingIntervalK",
      "model.idlePressureShare (fixed pump unloaded between moves)",
      "model.weibullShape",
      "model.signature",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "hydraulic-pump-servo",
    name: "Main pump, servo-driven internal gear pump",
    kind: "hydraulic-pump",
    partNumber: "MT-PMP-SG",
    appliesTo: ["servo-hydraulic"],
    perPress: 1,
    countBasis: "press",
    partCostEur: 4500,
    labourHours: 8,
    plannedDowntimeH: 8,
    unplannedDowntimeH: 48,
    leadTimeDays: 21,
    model: {
      fatigueLifeAtRatedH: 10_000,
      pressureExponent: 3,
      wearLifeH: 50_000,
      referenceOilTempC: 50,
      halvingIntervalK: 15,
      idlePressureShare: 0.03,
      weibullShape: 1.5,
      signature: {
        name: "internal leakage",
        unit: "% of rated flow",
        newValue: 2,
        alertValue: 5,
        failureValue: 8,
        noiseSd: 0.4,
        pfIntervalH: 500,
        riseExponent: 2,
      },
    },
    source: "Competing risks: pressure fatigue as ISO 281 (reliability.md §1.5) and temperature-driven wear (§1.7)",
    trust: "assumed",
    assumed: [
      "model.fatigueLifeAtRatedH",
      "model.pressureExponent",
      "model.wearLifeH",
      "model.referenceOilTempC",
      "model.halvingIntervalK",
      "model.idlePressureShare (servo pump idles near zero pressure)",
      "model.weibullShape",
      "model.signature",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "ball-screw-injection",
    name: "Injection-axis ball screw (all-electric)",
    kind: "ball-screw",
    partNumber: "MT-BS-INJ",
    appliesTo: ["all-electric"],
    perPress: 1,
    countBasis: "press",
    partCostEur: 9500,
    labourHours: 16,
    plannedDowntimeH: 16,
    unplannedDowntimeH: 72,
    leadTimeDays: 56,
    model: {
      loadRatingPerMaxInjectionForce: 0.6,
      lifeExponent: 3,
      loadFactor: 1.5,
      lifeModificationFactor: 1,
      weibullShape: 1.5,
      leadPerScrewDiameter: 0.5,
      signature: VIBRATION,
    },
    source:
      "ISO 281 / ISO 3408-5 life with the cycle's equivalent load (reliability.md §1.5, SKF); vibration zones ISO 10816-3",
    trust: "assumed",
    assumed: [
      "model.loadRatingPerMaxInjectionForce (static sizing s0 = 1.5, C0a/Ca = 2.5)",
      "model.loadFactor (f_w for moderate impact)",
      "model.lifeModificationFactor",
      "model.leadPerScrewDiameter",
      "model.signature (P–F interval, noise, new level)",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "plasticizing-thrust-bearing",
    name: "Plasticizing-drive thrust bearing (spherical roller)",
    kind: "plasticizing-bearing",
    partNumber: "MT-BRG-PT",
    appliesTo: ["hydraulic", "servo-hydraulic", "all-electric"],
    perPress: 1,
    countBasis: "press",
    partCostEur: 1400,
    labourHours: 12,
    plannedDowntimeH: 12,
    unplannedDowntimeH: 36,
    leadTimeDays: 21,
    model: {
      loadRatingPerMaxInjectionForce: 0.55,
      lifeExponent: 10 / 3,
      loadFactor: 1.2,
      lifeModificationFactor: 0.5,
      weibullShape: 1.5,
      signature: VIBRATION,
    },
    source: "ISO 281 basic rating life of a roller bearing (reliability.md §1.5, SKF); vibration zones ISO 10816-3",
    trust: "assumed",
    assumed: [
      "model.loadRatingPerMaxInjectionForce (static sizing s0 = 1.5, C0/C = 2.7)",
      "model.loadFactor",
      "model.lifeModificationFactor (a_ISO: contamination near the feed throat)",
      "model.signature (P–F interval, noise, new level)",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "toggle-bushing-std",
    name: "Toggle pin bushing, hardened steel (toggle clamp)",
    kind: "toggle-bushing",
    partNumber: "MT-TB-S",
    // Toggle clamps: the all-electric and servo-hydraulic presses of the library; the 450 t fixed-pump press is
    // taken as a direct (fully hydraulic) clamp, as large hydraulic presses commonly are (machine cards say nothing).
    appliesTo: ["servo-hydraulic", "all-electric"],
    perPress: 16,
    countBasis: "press",
    partCostEur: 180,
    labourHours: 2,
    plannedDowntimeH: 2,
    unplannedDowntimeH: 8,
    leadTimeDays: 21,
    model: {
      designPressureMPa: 80,
      loadSharingLinks: 4,
      lengthToDiameter: 1.2,
      lockupAngleDeg: 5,
      // Calibrated: 10⁷ cycles to the wear allowance at rated clamp force on a 250 t (2452 kN) toggle.
      wearCoefficientMm3PerNm: 5.4e-8,
      wearAllowanceMm: 0.3,
      newPlayMm: 0.05,
      minClampShare: 0.3,
      unitSigmaLn: 0.4,
      playNoiseSdMm: 0.02,
      alertPlayMm: 0.25,
    },
    source: "Archard wear (reliability.md §1.6) under the toggle link force at lock-up",
    trust: "assumed",
    assumed: [
      "appliesTo (toggle clamps on electric and servo-hydraulic presses; the hydraulic press has a direct clamp)",
      "perPress",
      "model.designPressureMPa",
      "model.loadSharingLinks",
      "model.lengthToDiameter",
      "model.lockupAngleDeg",
      "model.wearCoefficientMm3PerNm (10⁷ cycles at rated force)",
      "model.wearAllowanceMm",
      "model.newPlayMm",
      "model.minClampShare (setters rarely clamp below 30 % of the rating)",
      "model.unitSigmaLn",
      "model.playNoiseSdMm",
      "model.alertPlayMm",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "mold-ejector-pin",
    name: "Mold ejector pin (nitrided H13)",
    kind: "mold-ejector-pins",
    partNumber: "MT-EJ-P",
    appliesTo: ["hydraulic", "servo-hydraulic", "all-electric"],
    perPress: 2,
    countBasis: "cavity",
    partCostEur: 25,
    labourHours: 1,
    plannedDowntimeH: 1,
    unplannedDowntimeH: 4,
    leadTimeDays: 7,
    model: {
      lifeBasis: "cycles",
      characteristicLife: 5_000_000,
      weibullShape: 2,
      signature: {
        name: "ejection force",
        unit: "% of new",
        newValue: 100,
        alertValue: 130,
        failureValue: 160,
        noiseSd: 5,
        // Galling of pin and bushing builds up over ~10⁵ cycles before a pin seizes or breaks: ≈ 250 h at the
        // demo presses' 400–500 cycles/h (assumption; no published P–F interval for ejector pins).
        pfIntervalH: 250,
        riseExponent: 2,
      },
    },
    source: "Cycle-counted Weibull (reliability.md §1.1); no public ejector-pin life data (reliability.md §3)",
    trust: "assumed",
    assumed: [
      "perPress (per cavity)",
      "model.characteristicLife",
      "model.weibullShape",
      "model.signature",
      ...COSTS_ASSUMED,
    ],
  },
  {
    id: "hot-runner-nozzle-heater",
    name: "Hot-runner nozzle heater (coil heater)",
    kind: "mold-hot-runner-nozzle",
    partNumber: "MT-HR-NH",
    appliesTo: ["hydraulic", "servo-hydraulic", "all-electric"],
    perPress: 1,
    countBasis: "hot-drop",
    partCostEur: 420,
    labourHours: 3,
    plannedDowntimeH: 3,
    unplannedDowntimeH: 10,
    leadTimeDays: 14,
    model: {
      lifeBasis: "hours",
      characteristicLife: 30_000,
      weibullShape: 1.3,
      signature: { ...CONTROLLER_OUTPUT, newValue: 35 },
    },
    source: "Weibull in powered hours (reliability.md §1.1); no public hot-runner heater life data (reliability.md §3)",
    trust: "assumed",
    assumed: [
      "perPress (one per drop)",
      "model.characteristicLife",
      "model.weibullShape",
      "model.signature",
      ...COSTS_ASSUMED,
    ],
  },
];

let validated: readonly ComponentCard[] | undefined;

/** Every component card, validated against its kind's schema once per process and frozen. */
export function listComponents(): readonly ComponentCard[] {
  if (!validated) {
    const cards = COMPONENTS.map((c, i) => deepFreeze(parseComponentCard(c, `library.component[${i}]`)));
    const seen = new Set<string>();
    for (const c of cards) {
      if (seen.has(c.id)) {
        throw new MoldtwinError("TWIN_ERR_VALIDATION", `duplicate component id "${c.id}"`, [
          { field: "library.component", value: c.id, allowed: "unique ids" },
        ]);
      }
      seen.add(c.id);
    }
    validated = cards;
  }
  return validated;
}

export function getComponent(id: string): ComponentCard {
  const cards = listComponents();
  const card = cards.find((c) => c.id === id);
  if (!card) {
    const ids = cards.map((c) => c.id).join(", ");
    throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `unknown component id "${id}"; known: ${ids}`, [
      { field: "component", value: id, allowed: `one of: ${ids}` },
    ]);
  }
  return card;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
