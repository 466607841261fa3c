import {
  AttributeIds,
  ClientMonitoredItemGroup,
  type ClientSubscription,
  type DataValue,
  TimestampsToReturn,
} from "node-opcua";
import type { TagMappedPress } from "../../twin-models/schemas/tagMap.ts";
import type { CycleRecord } from "../store/historyStore.ts";

export type { TagMap } from "../../twin-models/schemas/tagMap.ts";

/**
 * A press without EUROMAP 77 (its tag map entry): its signals by node id, and a cycle record at every increment of
 * its shot counter (cycle time from its own node when mapped). The same handlers as EUROMAP 77 machines store the
 * values, quarantine bad ones and find gaps in the counter.
 */
export async function subscribeTagMapped(
  subscription: ClientSubscription,
  entry: TagMappedPress,
  h: {
    onSignal(signal: string, dv: DataValue): void;
    onCycleRecord(cycle: CycleRecord): void;
    quarantineCycle(raw: string, receivedMs: number, reason: string): void;
  },
  log: (line: string) => void,
): Promise<string[]> {
  const names = Object.keys(entry.signals);
  const ids = [
    ...names.map((n) => entry.signals[n]!),
    entry.cycleCounter,
    ...(entry.cycleTimeMs ? [entry.cycleTimeMs] : []),
  ];
  let lastCycleTimeMs: number | null = null;
  const group = ClientMonitoredItemGroup.create(
    subscription,
    ids.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
    { samplingInterval: 100, queueSize: 100, discardOldest: false },
    TimestampsToReturn.Both,
  );
  const indexOf = new Map(ids.map((id, k) => [normalized(id), k]));
  group.on("changed", (item, dv) => {
    const id = item.itemToMonitor.nodeId.toString();
    const k = indexOf.get(normalized(id));
    if (k === undefined) return;
    if (k < names.length) {
      h.onSignal(names[k]!, dv);
      return;
    }
    const value = counterValue(dv);
    if (entry.cycleTimeMs && k === ids.length - 1) {
      lastCycleTimeMs = value;
      return;
    }
    const now = Date.now();
    if (value === null || dv.statusCode.isNotGood()) {
      h.quarantineCycle(String(dv.value.value), now, `shot counter unreadable (${dv.statusCode.name})`);
      return;
    }
    h.onCycleRecord({
      press: entry.press,
      sourceTimeMs: dv.sourceTimestamp?.getTime() ?? now,
      receivedTimeMs: now,
      jobName: entry.jobName ?? null,
      lotName: null,
      materialLot: null,
      jobCycleCounter: value,
      machineCycleCounter: null,
      cycleTimeS: lastCycleTimeMs === null ? null : lastCycleTimeMs / 1000,
      cycleQuality: null,
      injectionTimeS: null,
      dosingTimeS: null,
      cushionCm3: null,
      peakSpecificPressureBar: null,
      plastificationVolumeCm3: null,
      partIds: [],
      cavityQuality: [],
      values: { partsPerCycle: entry.partsPerCycle },
    });
  });
  group.on("err", (e: unknown) => log(`${entry.press}: tag map subscription failed: ${String(e)}`));
  return [...names, "cycleCounter"];
}

/** `s=x` and `ns=0;s=x` name the same node. */
function normalized(nodeId: string): string {
  return nodeId.startsWith("ns=") ? nodeId : `ns=0;${nodeId}`;
}

function counterValue(dv: DataValue): number | null {
  const x = dv.value.value as unknown;
  if (Array.isArray(x) && x.length === 2 && typeof x[0] === "number") return x[0] * 2 ** 32 + (x[1] as number);
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}
