import { fileURLToPath } from "node:url";

/**
 * What the simulated cell and the client agree on: the OPC 40077 (EUROMAP 77) namespaces, resolved to indices at
 * run time from the server's NamespaceArray (never hard-coded), the browse paths of the variables the twin reads,
 * and the fields of the per-cycle event. Source: the IMM2MES 1.01 / GeneralTypes 1.02 nodesets in ./nodesets and
 * ../shared/reference/opcua-euromap77.md §3–4.
 */

export const NS = {
  DI: "http://opcfoundation.org/UA/DI/",
  GT: "http://opcfoundation.org/UA/PlasticsRubber/GeneralTypes/",
  IMM: "http://opcfoundation.org/UA/PlasticsRubber/IMM2MES/",
} as const;

export const NODESET_FILES = [
  fileURLToPath(new URL("./nodesets/Opc.Ua.PlasticsRubber.GeneralTypes.NodeSet2.xml", import.meta.url)),
  fileURLToPath(new URL("./nodesets/Opc.Ua.PlasticsRubber.IMM2MES.NodeSet2.xml", import.meta.url)),
];

export type NsKey = keyof typeof NS;
/** A browse-path step: the namespace (by key) and the browse name. */
export type Step = [NsKey, string];

/**
 * The variables the twin follows, by signal name → browse path below the IMM object. Temperature zones and the
 * power unit are the simulator's placeholders `InjectionUnit_1/TemperatureZones/TemperatureZone_<n>` and
 * `PowerUnits/PowerUnit_1`; the client discovers zones by browsing, so presses with other zone counts work.
 */
export const STATE_PATHS: Record<string, Step[]> = {
  isPresent: [
    ["IMM", "MachineStatus"],
    ["GT", "IsPresent"],
  ],
  machineMode: [
    ["IMM", "MachineStatus"],
    ["GT", "MachineMode"],
  ],
  productionStatus: [
    ["IMM", "MachineMESStatus"],
    ["GT", "ProductionControl"],
    ["GT", "ProductionStatus"],
  ],
  standstillReasonId: [
    ["IMM", "MachineMESStatus"],
    ["GT", "StandstillReasonId"],
  ],
  jobStatus: [
    ["IMM", "Jobs"],
    ["GT", "ActiveJobValues"],
    ["GT", "JobStatus"],
  ],
};

export const COUNTER_PATHS: Record<string, Step[]> = {
  jobCycleCounter: [
    ["IMM", "Jobs"],
    ["GT", "ActiveJobValues"],
    ["GT", "JobCycleCounter"],
  ],
  jobPartsCounter: [
    ["IMM", "Jobs"],
    ["GT", "ActiveJobValues"],
    ["GT", "JobPartsCounter"],
  ],
  jobGoodPartsCounter: [
    ["IMM", "Jobs"],
    ["GT", "ActiveJobValues"],
    ["GT", "JobGoodPartsCounter"],
  ],
  lastCycleTimeMs: [
    ["IMM", "Jobs"],
    ["GT", "ActiveJobValues"],
    ["GT", "LastCycleTime"],
  ],
};

export const IDENTITY_PATHS: Record<string, Step[]> = {
  serialNumber: [
    ["IMM", "MachineInformation"],
    ["DI", "SerialNumber"],
  ],
  model: [
    ["IMM", "MachineInformation"],
    ["DI", "Model"],
  ],
  jobName: [
    ["IMM", "Jobs"],
    ["GT", "ActiveJob"],
    ["GT", "JobName"],
  ],
};

/** Mandatory and optional fields of GT CycleParametersEventType the client selects (GeneralTypes namespace). */
export const CYCLE_EVENT_FIELDS = [
  "CycleTime",
  "CycleQuality",
  "JobName",
  "CurrentLotName",
  "JobCycleCounter",
  "JobPartsCounter",
  "JobGoodPartsCounter",
  "JobBadPartsCounter",
  "MachineCycleCounter",
  "PartId",
  "CavityCycleQuality",
] as const;

/** IMM2MES InjectionUnitCycleParametersType fields carried by the event's `InjectionUnit_1` (IMM2MES namespace). */
export const INJECTION_UNIT_FIELDS = [
  "InjectionTime",
  "DosingTime",
  "CushionVolume",
  "PlastificationVolume",
  "SpecificPressureMaximum",
  "HoldSpecificPressureMaximum",
] as const;

export const CYCLE_QUALITY = ["GOOD_CYCLE", "BAD_CYCLE", "TEST_SAMPLE_CYCLE", "FAILED_CYCLE"] as const;
export const CAVITY_QUALITY = ["NO_PART", "GOOD_PART", "BAD_PART", "REWORK"] as const;
export const MACHINE_MODE = ["OTHER", "AUTOMATIC", "SEMI_AUTOMATIC", "MANUAL", "SETUP", "SLEEP"] as const;
export const PRODUCTION_STATUS = [
  "OTHER",
  "NO_PRODUCTION",
  "START_UP",
  "READY_FOR_PRODUCTION",
  "PRODUCTION",
  "DRY_RUN",
] as const;
export const JOB_STATUS = [
  "OTHER",
  "TRANSFERRED_ASSIGNED",
  "SET_UP_ACTIVE",
  "SET_UP_INTERRUPTED",
  "SET_UP_FINISHED",
  "START_UP_ACTIVE",
  "JOB_IN_PRODUCTION",
  "JOB_INTERRUPTED",
  "JOB_FINISHED",
  "TEAR_DOWN_ACTIVE",
  "TEAR_DOWN_INTERRUPTED",
  "TEAR_DOWN_FINISHED",
] as const;
