import "./logging.ts";
import {
  AttributeIds,
  BrowseDirection,
  type BrowseResult,
  ClientMonitoredItem,
  ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  constructEventFilter,
  type DataValue,
  MessageSecurityMode,
  makeBrowsePath,
  NodeClassMask,
  NodeId,
  OPCUACertificateManager,
  OPCUAClient,
  type QualifiedNameOptions,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type Variant,
} from "node-opcua";
import { describeDetail, MoldtwinError } from "../../engine/errors.ts";
import type {
  CycleRecord,
  GapRecord,
  QuarantinedValue,
  SignalSample,
  StateChange,
  StoreEvent,
} from "../store/historyStore.ts";
import { MAX_TIME_MS, MIN_TIME_MS, validateCycles } from "../store/validate.ts";
import {
  CAVITY_QUALITY,
  COUNTER_PATHS,
  CYCLE_EVENT_FIELDS,
  CYCLE_QUALITY,
  IDENTITY_PATHS,
  INJECTION_UNIT_FIELDS,
  JOB_STATUS,
  MACHINE_MODE,
  NS,
  type NsKey,
  PRODUCTION_STATUS,
  STATE_PATHS,
  type Step,
} from "./euromap77.ts";
import { subscribeTagMapped, type TagMap } from "./tagMap.ts";

/**
 * The OPC UA ingest client (`moldtwin ingest`): connects to one or many endpoints, finds the injection-moulding
 * machines by type (`IMM_MES_InterfaceType` or a subtype, under DI's DeviceSet; namespace indices resolved from the
 * server's NamespaceArray, node ids found by browse paths — never the simulator's own ids), subscribes to their
 * variables and to the per-cycle `CycleParametersEventType` events, maps them to twin signals and cycle records,
 * and writes them to the history store in batches.
 *
 * - Reconnects with bounded backoff (node-opcua's strategy: 250 ms doubling to 4 s, forever); node-opcua restores
 *   the session and subscriptions, which works because node ids are stable (opcua-euromap77.md §5.4).
 * - Gaps: every cycle event carries JobCycleCounter; a jump from n to m > n + 1 within a job is m − n − 1 cycles
 *   that were never announced (the server was down, the press offline) and is recorded as a gap. The last counter
 *   of each press comes from the store at start, so gaps across an ingest restart are found too.
 * - Quarantine: a value with a bad status, a non-finite number or one outside its plausible range (temperatures
 *   −50…600 °C, times and pressures ≥ 0, counters never decreasing within a job) is not stored as a signal but in
 *   quarantine, with the reason.
 */

/** What ingest needs of the history store (adapters/store): the store itself, or a test double. */
export interface IngestSink {
  writeCycles(rows: CycleRecord[]): Promise<unknown>;
  writeSignals(rows: SignalSample[]): Promise<unknown>;
  writeStates(rows: StateChange[]): Promise<unknown>;
  writeQuarantine(rows: QuarantinedValue[]): Promise<unknown>;
  writeGaps(rows: GapRecord[]): Promise<unknown>;
  writeEvents(rows: StoreEvent[]): Promise<unknown>;
  lastCycle(press: string): Promise<{ jobName: string | null; jobCycleCounter: number; sourceTimeMs: number } | null>;
}

export interface IngestOptions {
  endpoints: string[];
  sink: IngestSink;
  security?: "none" | "sign-and-encrypt";
  user?: { user: string; password: string };
  pkiDir?: string;
  publishingIntervalMs?: number;
  flushIntervalMs?: number;
  /** Map a machine's serial number to the twin's press id (default: the serial number itself). */
  pressIds?: Record<string, string>;
  /** Presses without EUROMAP 77: their signals and shot counter by explicit node ids (tagMap.ts). */
  tagMap?: TagMap;
  log?: (line: string) => void;
}

export interface FoundPress {
  press: string;
  endpoint: string;
  browseName: string;
  model: string;
  signals: string[];
}

export interface IngestStats {
  presses: number;
  cycles: number;
  signals: number;
  states: number;
  /** Logbook events derived from states: machine absent/present, standstills with their reason. */
  events: number;
  quarantined: number;
  gaps: number;
  missingCycles: number;
  reconnections: number;
  /** Source timestamp → handed to the store, ms: p50, p99 and max over signal samples and cycles. */
  latencyMs: { p50: number; p99: number; max: number; samples: number };
}

export interface Ingest {
  presses: FoundPress[];
  stats(): IngestStats;
  /** Every gap recorded since the start. */
  gaps(): GapRecord[];
  /** Starts a new latency window (benchmarks measure after a warm-up). */
  resetLatency(): void;
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

type NsIndex = Record<NsKey, number>;

const TEMPERATURE_RANGE_C: [number, number] = [-50, 600];

export async function startIngest(o: IngestOptions): Promise<Ingest> {
  const log = o.log ?? (() => {});
  const buffers = {
    cycles: [] as CycleRecord[],
    signals: [] as SignalSample[],
    states: [] as StateChange[],
    quarantine: [] as QuarantinedValue[],
    gaps: [] as GapRecord[],
    events: [] as StoreEvent[],
  };
  const counts = {
    cycles: 0,
    signals: 0,
    states: 0,
    events: 0,
    quarantined: 0,
    gaps: 0,
    missingCycles: 0,
    reconnections: 0,
  };
  const latencies: number[] = [];
  const lastCounter = new Map<string, { job: string | null; counter: number; timeMs: number }>();
  const found: FoundPress[] = [];
  const allGaps: GapRecord[] = [];
  const connections: { client: OPCUAClient; session: ClientSession; subscription: ClientSubscription }[] = [];

  const note = (ms: number): void => {
    if (latencies.length < 200_000) latencies.push(ms);
  };
  let flushing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    const take = <T>(xs: T[]): T[] => xs.splice(0, xs.length);
    const batch = {
      cycles: take(buffers.cycles),
      signals: take(buffers.signals),
      states: take(buffers.states),
      quarantine: take(buffers.quarantine),
      gaps: take(buffers.gaps),
      events: take(buffers.events),
    };
    flushing = flushing.then(async () => {
      if (batch.gaps.length) await o.sink.writeGaps(batch.gaps);
      if (batch.cycles.length) await o.sink.writeCycles(batch.cycles);
      if (batch.signals.length) await o.sink.writeSignals(batch.signals);
      if (batch.states.length) await o.sink.writeStates(batch.states);
      if (batch.quarantine.length) await o.sink.writeQuarantine(batch.quarantine);
      if (batch.events.length) await o.sink.writeEvents(batch.events);
      const stored = Date.now();
      for (const c of batch.cycles) note(stored - c.sourceTimeMs);
      for (const s of batch.signals) note(stored - s.sourceTimeMs);
    });
    await flushing;
  };
  const timer = setInterval(
    () => void flush().catch((e) => log(`store write failed: ${(e as Error).message}`)),
    o.flushIntervalMs ?? 100,
  );

  /** Per press: what to do with a value, a state and a cycle (shared by EUROMAP 77 machines and tag-mapped ones). */
  const handlersFor = (press: string) => {
    const onSignal = (signal: string, dv: DataValue): void => {
      const outcome = classifySignal(press, signal, dv, Date.now());
      if ("quarantined" in outcome) {
        buffers.quarantine.push(outcome.quarantined);
        counts.quarantined++;
        return;
      }
      buffers.signals.push(outcome.sample);
      counts.signals++;
    };
    const onState = (variable: string, dv: DataValue): void => {
      const outcome = classifyState(press, variable, dv, Date.now());
      if (!outcome) return;
      if ("quarantined" in outcome) {
        buffers.quarantine.push(outcome.quarantined);
        counts.quarantined++;
        return;
      }
      buffers.states.push(outcome.state);
      counts.states++;
      if (outcome.event) {
        buffers.events.push(outcome.event);
        counts.events++;
      }
    };
    const onCycleRecord = (cycle: CycleRecord): void => {
      // A record the store would refuse (a tag-mapped counter of −1, say) would take the whole flush with it.
      const problem = cycleProblem(cycle);
      if (problem !== null) {
        quarantineCycle(rawText(JSON.stringify(cycle)), cycle.receivedTimeMs, problem);
        return;
      }
      const prev = lastCounter.get(press);
      if (prev && prev.job === cycle.jobName) {
        if (cycle.jobCycleCounter <= prev.counter) {
          // Not newer than what is stored: a replay (skip it) — unless it is later in time: the counters were
          // reset (job restarted, controller replaced); start counting again from it.
          if (cycle.sourceTimeMs <= prev.timeMs) return;
          log(`${press}: job cycle counter reset from ${prev.counter} to ${cycle.jobCycleCounter}`);
        } else {
          const missing = cycle.jobCycleCounter - prev.counter - 1;
          if (missing > 0) {
            const gap: GapRecord = {
              press,
              fromCounter: prev.counter,
              toCounter: cycle.jobCycleCounter,
              missingCycles: missing,
              fromTimeMs: prev.timeMs,
              toTimeMs: cycle.sourceTimeMs,
              reason:
                "job cycle counter jumped: cycles made while no event reached the client (server down or press offline)",
            };
            buffers.gaps.push(gap);
            allGaps.push(gap);
            counts.gaps++;
            counts.missingCycles += missing;
            log(`${press}: ${missing} cycle(s) missing between counters ${prev.counter} and ${cycle.jobCycleCounter}`);
          }
        }
      }
      lastCounter.set(press, { job: cycle.jobName, counter: cycle.jobCycleCounter, timeMs: cycle.sourceTimeMs });
      buffers.cycles.push(cycle);
      counts.cycles++;
    };
    const quarantineCycle = (raw: string, receivedMs: number, reason: string): void => {
      buffers.quarantine.push({
        press,
        signal: "cycle",
        sourceTimeMs: receivedMs,
        receivedTimeMs: receivedMs,
        raw,
        reason,
      });
      counts.quarantined++;
    };
    return { onSignal, onState, onCycleRecord, quarantineCycle };
  };
  const track = async (press: string): Promise<void> => {
    const last = await o.sink.lastCycle(press);
    if (last) lastCounter.set(press, { job: last.jobName, counter: last.jobCycleCounter, timeMs: last.sourceTimeMs });
  };
  const connectionFor = new Map<string, Awaited<ReturnType<typeof connect>>>();
  const open = async (endpoint: string) => {
    let conn = connectionFor.get(endpoint);
    if (!conn) {
      conn = await connect(endpoint, o, log, () => counts.reconnections++);
      connectionFor.set(endpoint, conn);
      connections.push(conn);
    }
    return conn;
  };

  for (const endpoint of o.endpoints) {
    const conn = await open(endpoint);
    const ns = await namespaces(conn.session);
    const unitFields = await injectionUnitFieldPaths(conn.session, ns);
    for (const imm of await findMachines(conn.session, ns)) {
      const serial = String(
        (await readPath(conn.session, imm.nodeId, IDENTITY_PATHS.serialNumber!, ns)) ?? imm.browseName,
      );
      const press = o.pressIds?.[serial] ?? serial;
      const model = String((await readPath(conn.session, imm.nodeId, IDENTITY_PATHS.model!, ns)) ?? "");
      await track(press);
      const h = handlersFor(press);
      const signals = await subscribeMachine(conn, imm.nodeId, ns, o.publishingIntervalMs ?? 100, {
        onSignal: h.onSignal,
        onState: h.onState,
        onCycle: (fields, receivedMs) => {
          const outcome = classifyCycle(press, fields, unitFields.length, receivedMs);
          if ("cycle" in outcome) h.onCycleRecord(outcome.cycle);
          else h.quarantineCycle(outcome.quarantined.raw, receivedMs, outcome.quarantined.reason);
        },
        unitFields,
      });
      found.push({ press, endpoint, browseName: imm.browseName, model, signals });
      log(`found ${press} (${imm.browseName}, ${model}) on ${endpoint}: ${signals.length} signals + cycle events`);
    }
  }
  for (const entry of o.tagMap?.presses ?? []) {
    const conn = await open(entry.endpoint);
    await track(entry.press);
    const signals = await subscribeTagMapped(conn.subscription, entry, handlersFor(entry.press), log);
    found.push({
      press: entry.press,
      endpoint: entry.endpoint,
      browseName: "(tag map)",
      model: entry.model ?? "",
      signals,
    });
    log(`tag-mapped ${entry.press} on ${entry.endpoint}: ${signals.length} signals, cycles from ${entry.cycleCounter}`);
  }

  return {
    presses: found,
    stats: () => {
      const sorted = Float64Array.from(latencies).sort();
      const q = (p: number): number =>
        sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : 0;
      return {
        presses: found.length,
        ...counts,
        latencyMs: {
          p50: q(0.5),
          p99: q(0.99),
          max: sorted.length ? sorted[sorted.length - 1]! : 0,
          samples: sorted.length,
        },
      };
    },
    gaps: () => [...allGaps],
    resetLatency: () => {
      latencies.length = 0;
    },
    flush,
    async stop() {
      clearInterval(timer);
      for (const c of connections) {
        await c.subscription.terminate().catch(() => {});
        await c.session.close().catch(() => {});
        await c.client.disconnect().catch(() => {});
      }
      await flush();
    },
  };
}

async function connect(
  endpoint: string,
  o: IngestOptions,
  log: (s: string) => void,
  onReconnect: () => void,
): Promise<{ client: OPCUAClient; session: ClientSession; subscription: ClientSubscription }> {
  const secure = o.security === "sign-and-encrypt";
  const clientCertificateManager = new OPCUACertificateManager({
    rootFolder: o.pkiDir ?? ".moldtwin/pki/ingest",
    automaticallyAcceptUnknownCertificate: true,
  });
  await clientCertificateManager.initialize();
  const client = OPCUAClient.create({
    applicationName: "moldtwin-ingest",
    endpointMustExist: false,
    securityMode: secure ? MessageSecurityMode.SignAndEncrypt : MessageSecurityMode.None,
    securityPolicy: secure ? SecurityPolicy.Basic256Sha256 : SecurityPolicy.None,
    clientCertificateManager,
    connectionStrategy: { initialDelay: 250, maxDelay: 4000, maxRetry: -1, randomisationFactor: 0.1 },
    keepSessionAlive: true,
    requestedSessionTimeout: 60_000,
  });
  client.on("connection_lost", () => log(`${endpoint}: connection lost`));
  client.on("backoff", (n: number, delay: number) =>
    log(`${endpoint}: reconnecting (attempt ${n}, next in ${delay} ms)`),
  );
  client.on("connection_reestablished", () => {
    onReconnect();
    log(`${endpoint}: connection re-established`);
  });
  await client.connect(endpoint);
  const session = await client.createSession(
    o.user ? { type: UserTokenType.UserName, userName: o.user.user, password: o.user.password } : undefined,
  );
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: o.publishingIntervalMs ?? 100,
    requestedMaxKeepAliveCount: 10,
    requestedLifetimeCount: 60,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 10,
  });
  return { client, session, subscription };
}

async function namespaces(session: ClientSession): Promise<NsIndex> {
  const array = await session.readNamespaceArray();
  const index = (uri: string): number => array.indexOf(uri);
  const ns = { DI: index(NS.DI), GT: index(NS.GT), IMM: index(NS.IMM) };
  if (ns.DI < 0 || ns.GT < 0 || ns.IMM < 0) {
    throw new Error(
      `the server does not expose EUROMAP 77 (missing ${[NS.DI, NS.GT, NS.IMM].filter((u) => index(u) < 0).join(", ")}); use a tag map`,
    );
  }
  return ns;
}

const qn = (ns: NsIndex, [k, name]: Step): QualifiedNameOptions => ({ namespaceIndex: ns[k], name });

async function resolvePath(session: ClientSession, start: NodeId, steps: Step[], ns: NsIndex): Promise<NodeId | null> {
  const rel = steps.map((s) => `/${qn(ns, s).namespaceIndex}:${s[1]}`).join("");
  const r = await session.translateBrowsePath(makeBrowsePath(start, rel));
  return r.statusCode.isGood() && r.targets?.[0] ? (r.targets[0].targetId as NodeId) : null;
}

async function readPath(session: ClientSession, start: NodeId, steps: Step[], ns: NsIndex): Promise<unknown> {
  const id = await resolvePath(session, start, steps, ns);
  if (!id) return null;
  const dv = await session.read({ nodeId: id, attributeId: AttributeIds.Value });
  const v = dv.value.value as unknown;
  return v && typeof v === "object" && "text" in (v as object) ? (v as { text: string }).text : v;
}

/** The machines under DeviceSet whose type is IMM_MES_InterfaceType (IMM2MES i=1007) or a subtype of it. */
async function findMachines(session: ClientSession, ns: NsIndex): Promise<{ nodeId: NodeId; browseName: string }[]> {
  const deviceSet = await resolvePath(session, NodeId.resolveNodeId("ObjectsFolder"), [["DI", "DeviceSet"]], ns);
  if (!deviceSet) return [];
  const immType = new NodeId(NodeId.NodeIdType.NUMERIC, 1007, ns.IMM);
  const r = await session.browse({
    nodeId: deviceSet,
    browseDirection: BrowseDirection.Forward,
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Object,
    resultMask: 63,
  });
  const out: { nodeId: NodeId; browseName: string }[] = [];
  for (const ref of r.references ?? []) {
    if (await isSubtypeOf(session, ref.typeDefinition as NodeId, immType)) {
      out.push({ nodeId: ref.nodeId as NodeId, browseName: ref.browseName.name ?? "" });
    }
  }
  return out;
}

async function isSubtypeOf(session: ClientSession, type: NodeId, base: NodeId): Promise<boolean> {
  let t: NodeId | null = type;
  for (let depth = 0; t && depth < 8; depth++) {
    if (t.toString() === base.toString()) return true;
    const r: BrowseResult = await session.browse({
      nodeId: t,
      browseDirection: BrowseDirection.Inverse,
      referenceTypeId: "HasSubtype",
      includeSubtypes: false,
      resultMask: 63,
    });
    t = (r.references?.[0]?.nodeId as NodeId | undefined) ?? null;
  }
  return false;
}

/**
 * The injection-unit components the server's cycle-event subtypes add (`InjectionUnit_<n>` objects below
 * subtypes of GT CycleParametersEventType, i=1038), as browse paths for the event filter.
 */
async function injectionUnitFieldPaths(session: ClientSession, ns: NsIndex): Promise<QualifiedNameOptions[][]> {
  const base = new NodeId(NodeId.NodeIdType.NUMERIC, 1038, ns.GT);
  const subs = await session.browse({
    nodeId: base,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: "HasSubtype",
    includeSubtypes: false,
    resultMask: 63,
  });
  const paths: QualifiedNameOptions[][] = [];
  for (const s of subs.references ?? []) {
    const comps = await session.browse({
      nodeId: s.nodeId,
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: "HasComponent",
      includeSubtypes: true,
      resultMask: 63,
    });
    for (const c of comps.references ?? []) {
      if (!c.browseName.name?.startsWith("InjectionUnit_")) continue;
      for (const f of INJECTION_UNIT_FIELDS) {
        paths.push([
          { namespaceIndex: c.browseName.namespaceIndex, name: c.browseName.name },
          { namespaceIndex: ns.IMM, name: f },
        ]);
      }
      return paths; // the first injection unit
    }
  }
  return paths;
}

interface MachineHandlers {
  onSignal(signal: string, dv: DataValue): void;
  onState(variable: string, dv: DataValue): void;
  onCycle(fields: Variant[], receivedMs: number): void;
  unitFields: QualifiedNameOptions[][];
}

async function subscribeMachine(
  conn: { session: ClientSession; subscription: ClientSubscription },
  imm: NodeId,
  ns: NsIndex,
  intervalMs: number,
  h: MachineHandlers,
): Promise<string[]> {
  const { session, subscription } = conn;
  const items: { signal: string; nodeId: NodeId; kind: "signal" | "state" }[] = [];
  for (const [name, steps] of Object.entries(STATE_PATHS)) {
    const id = await resolvePath(session, imm, steps, ns);
    if (id) items.push({ signal: name, nodeId: id, kind: "state" });
  }
  for (const [name, steps] of Object.entries(COUNTER_PATHS)) {
    const id = await resolvePath(session, imm, steps, ns);
    if (id) items.push({ signal: name, nodeId: id, kind: "signal" });
  }
  // Temperature zones of every injection unit, and the power units' temperatures: found by browsing.
  for (const unit of await childrenOf(session, await resolvePath(session, imm, [["IMM", "InjectionUnits"]], ns))) {
    const zones = await resolvePath(session, unit.nodeId, [["IMM", "TemperatureZones"]], ns);
    for (const zone of await childrenOf(session, zones)) {
      const id = await resolvePath(session, zone.nodeId, [["GT", "ActualTemperature"]], ns);
      if (id) items.push({ signal: `${unit.name}.${zone.name}.actualTemperatureC`, nodeId: id, kind: "signal" });
    }
  }
  for (const mould of await childrenOf(session, await resolvePath(session, imm, [["IMM", "Moulds"]], ns))) {
    const zones = await resolvePath(session, mould.nodeId, [["GT", "TemperatureZones"]], ns);
    for (const zone of await childrenOf(session, zones)) {
      const id = await resolvePath(session, zone.nodeId, [["GT", "ActualTemperature"]], ns);
      if (id) items.push({ signal: `${mould.name}.${zone.name}.actualTemperatureC`, nodeId: id, kind: "signal" });
    }
  }
  for (const unit of await childrenOf(session, await resolvePath(session, imm, [["IMM", "PowerUnits"]], ns))) {
    const id = await resolvePath(session, unit.nodeId, [["GT", "ActualTemperature"]], ns);
    if (id) items.push({ signal: `${unit.name}.actualTemperatureC`, nodeId: id, kind: "signal" });
  }
  const group = ClientMonitoredItemGroup.create(
    subscription,
    items.map((i) => ({ nodeId: i.nodeId, attributeId: AttributeIds.Value })),
    { samplingInterval: Math.min(100, intervalMs), queueSize: 10, discardOldest: true },
    TimestampsToReturn.Both,
  );
  const byNode = new Map(items.map((i) => [i.nodeId.toString(), i]));
  group.on("changed", (monitoredItem, dv) => {
    const i = byNode.get(monitoredItem.itemToMonitor.nodeId.toString());
    if (!i) return;
    if (i.kind === "state") h.onState(i.signal, dv);
    else h.onSignal(i.signal, dv);
  });
  const filter = constructEventFilter([
    ...CYCLE_EVENT_FIELDS.map((f) => [{ namespaceIndex: ns.GT, name: f }]),
    ...h.unitFields,
    [{ namespaceIndex: 0, name: "Time" }],
  ] as unknown as string[]);
  const events = ClientMonitoredItem.create(
    subscription,
    { nodeId: imm, attributeId: AttributeIds.EventNotifier },
    { samplingInterval: 0, queueSize: 10_000, discardOldest: false, filter },
    TimestampsToReturn.Both,
  );
  events.on("changed", (fields: unknown) => h.onCycle(fields as Variant[], Date.now()));
  return items.map((i) => i.signal);
}

async function childrenOf(session: ClientSession, node: NodeId | null): Promise<{ nodeId: NodeId; name: string }[]> {
  if (!node) return [];
  const r = await session.browse({
    nodeId: node,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: "HasComponent",
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Object,
    resultMask: 63,
  });
  return (r.references ?? []).map((x) => ({ nodeId: x.nodeId as NodeId, name: x.browseName.name ?? "" }));
}

/** A value of a signal: a sample to store, or a quarantined value with the reason it is not stored. */
export type SignalOutcome = { sample: SignalSample } | { quarantined: QuarantinedValue };

/**
 * How one DataValue of a signal is handled (pure, so it can be tested on any value): a bad status, a value that is
 * not a finite number, or a temperature outside −50…600 °C is quarantined with the reason; anything else is stored.
 */
export function classifySignal(press: string, signal: string, dv: DataValue, receivedMs: number): SignalOutcome {
  const src = sourceTime(dv, receivedMs);
  const v = num(dv.value) ?? dv.value?.value;
  const bad = dv.statusCode.isNotGood()
    ? `bad status ${dv.statusCode.name}`
    : typeof v !== "number" || !Number.isFinite(v)
      ? `not a finite number: ${rawText(v, 200)}`
      : signal.endsWith("TemperatureC") && (v < TEMPERATURE_RANGE_C[0] || v > TEMPERATURE_RANGE_C[1])
        ? `outside ${TEMPERATURE_RANGE_C[0]}…${TEMPERATURE_RANGE_C[1]} °C`
        : src.bad;
  if (bad !== null) {
    return {
      quarantined: { press, signal, sourceTimeMs: src.ms, receivedTimeMs: receivedMs, raw: rawText(v), reason: bad },
    };
  }
  return { sample: { press, signal, sourceTimeMs: src.ms, receivedTimeMs: receivedMs, value: v as number } };
}

/** The most of a value's text kept in quarantine: enough to see what came, and always within the store's column. */
const MAX_RAW = 1000;

/** A value as text for the quarantine, cut to `max` characters (a 10⁶-element array must not make a 10 MB row). */
function rawText(v: unknown, max = MAX_RAW): string {
  let s: string;
  try {
    s = typeof v === "string" ? v : String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * The value's source time in epoch ms, or its receive time when the server sent none. A source time the store
 * cannot hold (an invalid date, DateTime.MinValue = 1601, past 2100: a clock or encoding fault) is `bad`: the value
 * goes to quarantine, kept at its receive time, instead of making the store refuse the whole flush.
 */
function sourceTime(dv: DataValue, receivedMs: number): { ms: number; bad: string | null } {
  const t = dv.sourceTimestamp;
  if (t === null || t === undefined) return { ms: receivedMs, bad: null };
  const ms = t instanceof Date ? t.getTime() : Number.NaN;
  if (Number.isFinite(ms) && ms >= MIN_TIME_MS && ms < MAX_TIME_MS) return { ms, bad: null };
  return { ms: receivedMs, bad: `source timestamp outside 1970…2100: ${rawText(t, 80)}` };
}

/**
 * A state variable's DataValue as a state change to store, with the logbook event it implies (the press leaving or
 * rejoining, a standstill with its reason); null for a bad status (the state is unknown, not changed).
 */
export function classifyState(
  press: string,
  variable: string,
  dv: DataValue,
  receivedMs: number,
): { state: StateChange; event: StoreEvent | null } | { quarantined: QuarantinedValue } | null {
  if (dv.statusCode.isNotGood()) return null;
  const value = stateName(variable, dv.value);
  const src = sourceTime(dv, receivedMs);
  const bad = value.length > MAX_STATE ? `a state value longer than ${MAX_STATE} characters` : src.bad;
  if (bad !== null) {
    return {
      quarantined: {
        press,
        signal: variable,
        sourceTimeMs: src.ms,
        receivedTimeMs: receivedMs,
        raw: rawText(value),
        reason: bad,
      },
    };
  }
  const sourceTimeMs = src.ms;
  // What an operator would want in a logbook: the press leaving or rejoining, and standstills with their reason.
  const event =
    variable === "isPresent"
      ? { kind: value === "true" ? "machine-present" : "machine-absent", severity: value === "true" ? 100 : 700 }
      : variable === "standstillReasonId" && value !== ""
        ? { kind: "standstill", severity: 400 }
        : null;
  return {
    state: { press, sourceTimeMs, variable, value },
    event: event ? { press, sourceTimeMs, ...event, message: `${variable} = ${value}` } : null,
  };
}

/** A cycle event: the record to store, or the event quarantined with the reason. */
export type CycleOutcome = { cycle: CycleRecord } | { quarantined: QuarantinedValue };

/**
 * A cycle event's fields as the record to store, or the event quarantined with the reason: no job cycle counter, or a
 * field the store would refuse (a cycle quality code outside EUROMAP 77's, a counter of −1, a job name that is no
 * string, an invalid time…), which would otherwise make the store refuse the whole flush with it.
 */
export function classifyCycle(press: string, fields: Variant[], units: number, receivedMs: number): CycleOutcome {
  const cycle = cycleRecord(press, fields, units, receivedMs);
  const reason = cycle ? cycleProblem(cycle) : "cycle event without a job cycle counter";
  if (cycle && reason === null) return { cycle };
  return {
    quarantined: {
      press,
      signal: "cycle",
      sourceTimeMs: receivedMs,
      receivedTimeMs: receivedMs,
      raw: rawText(JSON.stringify(fields.map((f) => rawText(f?.value, 200)))),
      reason: reason ?? "cycle event refused",
    },
  };
}

/** Why the history store would refuse this cycle (its own row checks, adapters/store/validate.ts), or null. */
export function cycleProblem(cycle: CycleRecord): string | null {
  try {
    validateCycles([cycle]);
    return null;
  } catch (e) {
    const first = e instanceof MoldtwinError ? e.details[0] : undefined;
    return rawText(first ? `refused by the store: ${describeDetail(first)}` : `refused by the store: ${String(e)}`);
  }
}

/** The longest state value the store keeps (a state is a short enumeration name or id). */
const MAX_STATE = 256;

function stateName(variable: string, v: Variant): string {
  const x = v.value as unknown;
  if (typeof x !== "number") return String(x ?? "");
  const table =
    variable === "machineMode"
      ? MACHINE_MODE
      : variable === "productionStatus"
        ? PRODUCTION_STATUS
        : variable === "jobStatus"
          ? JOB_STATUS
          : null;
  return table ? (table[x] ?? String(x)) : String(x);
}

const num = (v: Variant | undefined): number | null => {
  const x = v?.value as unknown;
  // (U)Int64 as [hi, lo]; both must be numbers, or "[1, 'x']" would make a string of the sum.
  const n =
    Array.isArray(x) && x.length === 2 && typeof x[0] === "number" && typeof x[1] === "number"
      ? x[0] * 2 ** 32 + x[1]
      : x;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
};

/** A field that should be an array (one entry per cavity): a scalar string is one entry, not its characters. */
const listOf = (x: unknown): unknown[] =>
  typeof x === "string" ? [x] : Array.isArray(x) || ArrayBuffer.isView(x) ? Array.from(x as ArrayLike<unknown>) : [];

/**
 * A cycle event's fields (CYCLE_EVENT_FIELDS, then the injection unit's, then Time) as a cycle record; null without
 * a job cycle counter.
 */
export function cycleRecord(press: string, f: Variant[], units: number, receivedMs: number): CycleRecord | null {
  const at = (name: (typeof CYCLE_EVENT_FIELDS)[number]): Variant | undefined => f[CYCLE_EVENT_FIELDS.indexOf(name)];
  const unit = (name: (typeof INJECTION_UNIT_FIELDS)[number]): number | null =>
    units > 0 ? num(f[CYCLE_EVENT_FIELDS.length + INJECTION_UNIT_FIELDS.indexOf(name)]) : null;
  const counter = num(at("JobCycleCounter"));
  if (counter === null) return null;
  const time = f[f.length - 1]?.value as unknown;
  const sourceTimeMs = time instanceof Date ? time.getTime() : receivedMs;
  const ms = (x: number | null): number | null => (x === null ? null : x / 1000);
  const quality = num(at("CycleQuality"));
  const partIds = listOf(at("PartId")?.value) as string[];
  const cavities = listOf(at("CavityCycleQuality")?.value) as number[];
  const values: Record<string, number> = {};
  for (const k of ["JobPartsCounter", "JobGoodPartsCounter", "JobBadPartsCounter"] as const) {
    const v = num(at(k));
    if (v !== null) values[k[0]!.toLowerCase() + k.slice(1)] = v;
  }
  const hold = unit("HoldSpecificPressureMaximum");
  if (hold !== null) values.holdSpecificPressureMaximumBar = hold;
  return {
    press,
    sourceTimeMs,
    receivedTimeMs: receivedMs,
    jobName: (at("JobName")?.value as string | null) ?? null,
    lotName: (at("CurrentLotName")?.value as string | null) ?? null,
    materialLot: (at("CurrentLotName")?.value as string | null) ?? null,
    jobCycleCounter: counter,
    machineCycleCounter: num(at("MachineCycleCounter")),
    cycleTimeS: ms(num(at("CycleTime"))),
    cycleQuality: quality === null ? null : (CYCLE_QUALITY[quality] ?? String(quality)),
    injectionTimeS: ms(unit("InjectionTime")),
    dosingTimeS: ms(unit("DosingTime")),
    cushionCm3: unit("CushionVolume"),
    peakSpecificPressureBar: unit("SpecificPressureMaximum"),
    plastificationVolumeCm3: unit("PlastificationVolume"),
    partIds: Array.from(partIds),
    cavityQuality: cavities.map((q) => (typeof q === "number" ? (CAVITY_QUALITY[q] ?? String(q)) : String(q))),
    values,
  };
}
