import "./logging.ts";
import {
  DataType,
  MessageSecurityMode,
  nodesets,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  type UAEventType,
  type UAObject,
  type UAObjectType,
  type UAVariable,
  Variant,
  VariantArrayType,
} from "node-opcua";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { NODESET_FILES, NS } from "./euromap77.ts";
import { type CycleValues, type Fault, PressSim } from "./pressSim.ts";

/**
 * The embedded simulated cell (`moldtwin sim-cell`): a node-opcua server that loads the PlasticsRubber
 * GeneralTypes 1.02 and IMM2MES 1.01 nodesets and exposes each press of a plant as an `IMM_MES_InterfaceType`
 * instance under DI's DeviceSet (opcua-euromap77.md §2–3): MachineInformation, MachineStatus, MachineMESStatus,
 * Jobs (ActiveJob, ActiveJobValues counters), InjectionUnits/InjectionUnit_1 with four barrel temperature zones,
 * Moulds/Mould_1, PowerUnits/PowerUnit_1 — and a `CycleParametersEventType` event every cycle (the simulator's
 * vendor subtype, which adds the IMM2MES injection-unit cycle values as `InjectionUnit_1`).
 *
 * Node ids are stable strings (`ns=<sim>;s=<press>-…`) so a client's subscriptions survive a server restart. The
 * press simulations keep running across `restartServer()` (a real press keeps producing while its OPC UA server
 * restarts): the cycles made while the server is down are never announced, which is what a client must detect as
 * a gap from the job counters.
 */

export interface SimCellOptions {
  plant: Plant;
  port: number;
  seed?: number;
  /** Wall-clock seconds per simulated second: 1 real time; 0.02 runs a 7 s cycle every 140 ms. */
  timeScale?: number;
  /** Temperature sampling period, ms (wall clock). */
  signalPeriodMs?: number;
  presses?: string[];
  /** Mould temperature zones per press (circuits and hot-runner drops), each a sampled signal; default 2. */
  mouldZones?: number;
  security?: "none" | "sign-and-encrypt";
  users?: { user: string; password: string }[];
  /** PKI folder (certificates); default a per-port folder under .moldtwin/pki. */
  pkiDir?: string;
}

interface PressNodes {
  sim: PressSim;
  imm: UAObject;
  /** The vendor cycle event type, raised every cycle. */
  cycleEvent: UAEventType;
  vars: Record<string, UAVariable>;
  zones: UAVariable[];
  mouldZones: UAVariable[];
  oil: UAVariable;
  timer: NodeJS.Timeout | null;
  sample: number;
}

export interface SimCell {
  endpointUrl: string;
  presses: PressSim[];
  injectFault(pressId: string, fault: Fault, on?: boolean): void;
  /** Stops the OPC UA server for `downMs` (the presses keep producing), then starts a new one on the same port. */
  restartServer(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimCell(o: SimCellOptions): Promise<SimCell> {
  const scale = o.timeScale ?? 1;
  const period = o.signalPeriodMs ?? 1000;
  const all = o.plant.cells.flatMap((c) => c.presses);
  const chosen = o.presses ? all.filter((p) => o.presses!.includes(p.id)) : all;
  const sims = chosen.map((p, i) => new PressSim(p, i, o.seed ?? 1));
  let server: OPCUAServer | null = null;
  let nodes: PressNodes[] = [];
  let signalTimer: NodeJS.Timeout | null = null;
  let running = true;
  const offline = new Set<string>();

  const boot = async (): Promise<void> => {
    server = await buildServer(o);
    nodes = sims.map((sim) => exposePress(server!, sim, o.mouldZones ?? 2));
    for (const n of nodes) scheduleCycle(n);
    signalTimer = setInterval(() => {
      for (const n of nodes) publishSignals(n);
    }, period);
  };

  const scheduleCycle = (n: PressNodes): void => {
    const delay = Math.max(1, n.sim.cycleTimeS * 1000 * scale);
    n.timer = setTimeout(() => {
      if (!running) return;
      const v = n.sim.nextCycle(Date.now());
      if (server && !offline.has(n.sim.id)) publishCycle(n, v);
      scheduleCycle(n);
    }, delay);
  };

  await boot();
  const endpointUrl = `opc.tcp://localhost:${o.port}/UA/moldtwin`;
  const stopServer = async (): Promise<void> => {
    if (signalTimer) clearInterval(signalTimer);
    for (const n of nodes) if (n.timer) clearTimeout(n.timer);
    const s = server;
    server = null;
    if (s) await s.shutdown(0);
  };
  return {
    endpointUrl,
    presses: sims,
    injectFault(pressId, fault, on = true) {
      const sim = sims.find((s) => s.id === pressId);
      if (!sim) throw new Error(`no press ${pressId} in the cell`);
      if (on) sim.faults.set(fault, sim.jobCycleCounter);
      else sim.faults.delete(fault);
      if (fault === "offline") {
        if (on) offline.add(pressId);
        else offline.delete(pressId);
        const n = nodes.find((x) => x.sim.id === pressId);
        if (n) setPresent(n, !on);
      }
    },
    async restartServer(downMs) {
      // The presses keep cycling on their own clock while the server is down.
      const keep = nodes.map((n) => n.sim);
      await stopServer();
      const ticking = keep.map((sim) => {
        const tick = setInterval(() => sim.nextCycle(Date.now()), Math.max(1, sim.cycleTimeS * 1000 * scale));
        return tick;
      });
      await new Promise((r) => setTimeout(r, downMs));
      for (const t of ticking) clearInterval(t);
      await boot();
    },
    async stop() {
      running = false;
      await stopServer();
    },
  };
}

async function buildServer(o: SimCellOptions): Promise<OPCUAServer> {
  const secure = o.security === "sign-and-encrypt";
  const pki = o.pkiDir ?? `.moldtwin/pki/sim-cell-${o.port}`;
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: pki,
    automaticallyAcceptUnknownCertificate: true,
  });
  await serverCertificateManager.initialize();
  const users = o.users ?? [];
  const server = new OPCUAServer({
    port: o.port,
    resourcePath: "/UA/moldtwin",
    nodeset_filename: [nodesets.standard, nodesets.di, ...NODESET_FILES],
    serverCertificateManager,
    securityModes: secure ? [MessageSecurityMode.SignAndEncrypt] : [MessageSecurityMode.None],
    securityPolicies: secure ? [SecurityPolicy.Basic256Sha256] : [SecurityPolicy.None],
    allowAnonymous: !secure,
    userManager: {
      isValidUser: (user: string, password: string) => users.some((u) => u.user === user && u.password === password),
    },
    buildInfo: { productName: "moldtwin simulated cell", manufacturerName: "moldtwin" },
  });
  await server.initialize();
  const as = server.engine.addressSpace!;
  // The server's own namespace (node-opcua creates instances there): the vendor types and every press node.
  const own = as.getOwnNamespace();
  // The vendor event subtype: GT CycleParametersEventType + the injection-unit cycle values (IMM2MES).
  const gt = as.getNamespaceIndex(NS.GT);
  const imm = as.getNamespaceIndex(NS.IMM);
  const cycleEvent = as.findEventType("CycleParametersEventType", gt)!;
  const iuParams = as.findObjectType("InjectionUnitCycleParametersType", imm)!;
  const simIu = own.addObjectType({
    browseName: "SimInjectionUnitCycleParametersType",
    subtypeOf: iuParams,
    nodeId: "s=SimInjectionUnitCycleParametersType",
  });
  const eventType = own.addEventType({ browseName: "SimCycleParametersEventType", subtypeOf: cycleEvent });
  simIu.instantiate({
    browseName: "InjectionUnit_1",
    componentOf: eventType,
    modellingRule: "Mandatory",
    nodeId: "s=SimCycleParametersEventType-InjectionUnit_1",
    optionals: ["HoldSpecificPressureMaximum"],
  } as Parameters<UAObjectType["instantiate"]>[0]);
  await server.start();
  return server;
}

function child(node: UAObject | UAVariable, name: string): UAObject | UAVariable {
  const c =
    (node as UAObject).getComponentByName?.(name) ??
    (node as UAObject).getPropertyByName?.(name) ??
    (node as UAObject).getChildByName?.(name);
  if (!c) throw new Error(`${node.browseName.toString()} has no ${name}`);
  return c as UAObject | UAVariable;
}

function path(node: UAObject, ...names: string[]): UAVariable {
  let n: UAObject | UAVariable = node;
  for (const name of names) n = child(n, name);
  return n as UAVariable;
}

function exposePress(server: OPCUAServer, sim: PressSim, mouldZoneCount: number): PressNodes {
  const as = server.engine.addressSpace!;
  const gt = as.getNamespaceIndex(NS.GT);
  const immNs = as.getNamespaceIndex(NS.IMM);
  const own = as.getOwnNamespace().index;
  const deviceSet = as.rootFolder.objects.getFolderElementByName("DeviceSet")!;
  const immType = as.findObjectType("IMM_MES_InterfaceType", immNs)!;
  const imm = immType.instantiate({
    browseName: `IMM_Moldtwin_${sim.serialNumber}`,
    organizedBy: deviceSet,
    nodeId: `ns=${own};s=${sim.id}`,
    optionals: ["Jobs"],
    eventNotifier: 1,
  } as Parameters<UAObjectType["instantiate"]>[0]);
  // Placeholders: one injection unit with four barrel zones, one mould, one power unit.
  const iuType = as.findObjectType("InjectionUnitType", immNs)!;
  const iu = iuType.instantiate({
    browseName: { name: "InjectionUnit_1", namespaceIndex: immNs },
    componentOf: child(imm, "InjectionUnits") as UAObject,
    nodeId: `ns=${own};s=${sim.id}-InjectionUnits-InjectionUnit_1`,
  } as Parameters<UAObjectType["instantiate"]>[0]) as UAObject;
  const zoneType = as.findObjectType("BarrelTemperatureZoneType", gt)!;
  const zonesFolder = child(iu, "TemperatureZones") as UAObject;
  const zones = sim.zoneNominalC.map((nominal, k) => {
    const z = zoneType.instantiate({
      browseName: { name: `TemperatureZone_${k + 1}`, namespaceIndex: gt },
      componentOf: zonesFolder,
      nodeId: `ns=${own};s=${sim.id}-Zone_${k + 1}`,
    } as Parameters<UAObjectType["instantiate"]>[0]) as UAObject;
    set(path(z, "Index"), DataType.UInt32, k + 1);
    set(path(z, "Name"), DataType.String, `barrel zone ${k + 1}`);
    set(path(z, "IsPresent"), DataType.Boolean, true);
    set(path(z, "NominalTemperature"), DataType.Double, nominal);
    return path(z, "ActualTemperature");
  });
  const mould = as.findObjectType("MouldType", gt)!.instantiate({
    browseName: { name: "Mould_1", namespaceIndex: gt },
    componentOf: child(imm, "Moulds") as UAObject,
    nodeId: `ns=${own};s=${sim.id}-Mould_1`,
  } as Parameters<UAObjectType["instantiate"]>[0]) as UAObject;
  set(path(mould, "Id"), DataType.String, sim.jobName.replace("JOB-", "MOULD-"));
  const mouldZoneType = as.findObjectType("MouldTemperatureZoneType", gt)!;
  const mouldZonesFolder = child(mould, "TemperatureZones") as UAObject;
  const mouldZones = Array.from({ length: mouldZoneCount }, (_, k) => {
    const z = mouldZoneType.instantiate({
      browseName: { name: `TemperatureZone_${k + 1}`, namespaceIndex: gt },
      componentOf: mouldZonesFolder,
      nodeId: `ns=${own};s=${sim.id}-MouldZone_${k + 1}`,
    } as Parameters<UAObjectType["instantiate"]>[0]) as UAObject;
    set(path(z, "Index"), DataType.UInt32, k + 1);
    set(path(z, "Name"), DataType.String, `mould circuit ${k + 1}`);
    set(path(z, "NominalTemperature"), DataType.Double, sim.moldTempC);
    return path(z, "ActualTemperature");
  });
  const power = as.findObjectType("PowerUnitType", gt)!.instantiate({
    browseName: { name: "PowerUnit_1", namespaceIndex: gt },
    componentOf: child(imm, "PowerUnits") as UAObject,
    nodeId: `ns=${own};s=${sim.id}-PowerUnit_1`,
    optionals: ["ActualTemperature"],
  } as Parameters<UAObjectType["instantiate"]>[0]) as UAObject;
  set(path(power, "PowerOn"), DataType.Boolean, true);
  // Identity and job.
  set(path(imm, "MachineInformation", "Manufacturer"), DataType.LocalizedText, { text: "moldtwin" });
  set(path(imm, "MachineInformation", "Model"), DataType.LocalizedText, { text: sim.model });
  set(path(imm, "MachineInformation", "SerialNumber"), DataType.String, sim.serialNumber);
  set(path(imm, "MachineInformation", "DeviceClass"), DataType.String, "injection moulding machine");
  set(path(imm, "MachineInformation", "ControllerName"), DataType.String, "moldtwin sim-cell");
  set(path(imm, "Jobs", "ActiveJob", "JobName"), DataType.String, sim.jobName);
  set(path(imm, "MachineMESConfiguration", "StandstillReasonsLockedByMES"), DataType.Boolean, false);
  const vars: Record<string, UAVariable> = {
    isPresent: path(imm, "MachineStatus", "IsPresent"),
    machineMode: path(imm, "MachineStatus", "MachineMode"),
    productionStatus: path(imm, "MachineMESStatus", "ProductionControl", "ProductionStatus"),
    standstillReasonId: path(imm, "MachineMESStatus", "StandstillReasonId"),
    jobStatus: path(imm, "Jobs", "ActiveJobValues", "JobStatus"),
    lotName: path(imm, "Jobs", "ActiveJobValues", "CurrentLotName"),
    jobCycleCounter: path(imm, "Jobs", "ActiveJobValues", "JobCycleCounter"),
    jobPartsCounter: path(imm, "Jobs", "ActiveJobValues", "JobPartsCounter"),
    jobGoodPartsCounter: path(imm, "Jobs", "ActiveJobValues", "JobGoodPartsCounter"),
    jobBadPartsCounter: path(imm, "Jobs", "ActiveJobValues", "JobBadPartsCounter"),
    lastCycleTime: path(imm, "Jobs", "ActiveJobValues", "LastCycleTime"),
  };
  const n: PressNodes = {
    sim,
    imm,
    cycleEvent: as.findEventType("SimCycleParametersEventType", own)!,
    vars,
    zones,
    mouldZones,
    oil: path(power, "ActualTemperature"),
    timer: null,
    sample: 0,
  };
  set(vars.isPresent!, DataType.Boolean, true);
  set(vars.machineMode!, DataType.Int32, 1);
  set(vars.productionStatus!, DataType.Int32, 4);
  set(vars.standstillReasonId!, DataType.String, "");
  set(vars.jobStatus!, DataType.Int32, 6);
  set(vars.lotName!, DataType.String, sim.lotName);
  publishCounters(n);
  publishSignals(n);
  return n;
}

function set(v: UAVariable, dataType: DataType, value: unknown): void {
  v.setValueFromSource({ dataType, value });
}

function u64(v: UAVariable, value: number): void {
  v.setValueFromSource({
    dataType: DataType.UInt64,
    arrayType: VariantArrayType.Scalar,
    value: [Math.floor(value / 2 ** 32), value >>> 0],
  });
}

function publishCounters(n: PressNodes): void {
  const s = n.sim;
  u64(n.vars.jobCycleCounter!, s.jobCycleCounter);
  u64(n.vars.jobPartsCounter!, s.jobPartsCounter);
  u64(n.vars.jobGoodPartsCounter!, s.jobGoodPartsCounter);
  u64(n.vars.jobBadPartsCounter!, s.jobBadPartsCounter);
}

function publishSignals(n: PressNodes): void {
  n.sample++;
  const temps = n.sim.zoneTempsC(n.sample);
  const now = new Date();
  const sensorFault = n.sim.faults.has("sensor");
  n.zones.forEach((z, k) => {
    if (sensorFault && k === 2)
      z.setValueFromSource({ dataType: DataType.Double, value: 0 }, StatusCodes.BadSensorFailure, now);
    else if (sensorFault && k === 3)
      z.setValueFromSource({ dataType: DataType.Double, value: 2000 }, StatusCodes.Good, now);
    else z.setValueFromSource({ dataType: DataType.Double, value: temps[k] }, StatusCodes.Good, now);
  });
  n.mouldZones.forEach((z, k) => {
    z.setValueFromSource({ dataType: DataType.Double, value: n.sim.mouldTempC(n.sample, k) }, StatusCodes.Good, now);
  });
  n.oil.setValueFromSource({ dataType: DataType.Double, value: n.sim.oilTempC(n.sample) }, StatusCodes.Good, now);
}

function setPresent(n: PressNodes, present: boolean): void {
  set(n.vars.isPresent!, DataType.Boolean, present);
  set(n.vars.machineMode!, DataType.Int32, present ? 1 : 0);
}

function publishCycle(n: PressNodes, v: CycleValues | null): void {
  const s = n.sim;
  if (!v) {
    // A standstill: production stops with a reason.
    set(n.vars.productionStatus!, DataType.Int32, s.standstillReason ? 1 : 4);
    set(n.vars.standstillReasonId!, DataType.String, s.standstillReason);
    return;
  }
  set(n.vars.productionStatus!, DataType.Int32, 4);
  set(n.vars.standstillReasonId!, DataType.String, "");
  publishCounters(n);
  set(n.vars.lastCycleTime!, DataType.Double, v.cycleTimeMs);
  const d = (value: number) => new Variant({ dataType: DataType.Double, value });
  const c64 = (value: number) =>
    new Variant({
      dataType: DataType.UInt64,
      arrayType: VariantArrayType.Scalar,
      value: [Math.floor(value / 2 ** 32), value >>> 0],
    });
  const v_ = (dataType: DataType, value: unknown, array = false) =>
    new Variant({ dataType, arrayType: array ? VariantArrayType.Array : VariantArrayType.Scalar, value });
  n.imm.raiseEvent(n.cycleEvent, {
    sourceName: v_(DataType.String, s.id),
    cycleTime: d(v.cycleTimeMs),
    cycleQuality: v_(DataType.Int32, v.cycleQuality),
    jobName: v_(DataType.String, s.jobName),
    currentLotName: v_(DataType.String, s.lotName),
    jobStatus: v_(DataType.Int32, 6),
    jobCycleCounter: c64(v.jobCycleCounter),
    jobPartsCounter: c64(v.jobPartsCounter),
    jobGoodPartsCounter: c64(v.jobGoodPartsCounter),
    jobBadPartsCounter: c64(v.jobBadPartsCounter),
    jobTestSamplesCounter: c64(0),
    machineCycleCounter: c64(v.machineCycleCounter),
    partId: v_(DataType.String, v.partIds, true),
    cavityCycleQuality: v_(DataType.Int32, v.cavityQuality, true),
    "injectionUnit_1.index": v_(DataType.UInt32, 1),
    "injectionUnit_1.injectionTime": d(v.injectionTimeMs),
    "injectionUnit_1.dosingTime": d(v.dosingTimeMs),
    "injectionUnit_1.cushionVolume": d(v.cushionCm3),
    "injectionUnit_1.plastificationVolume": d(v.plastificationVolumeCm3),
    "injectionUnit_1.specificPressureMaximum": d(v.peakSpecificPressureBar),
    "injectionUnit_1.holdSpecificPressureMaximum": d(v.holdSpecificPressureBar),
  });
}
