import { addDays } from "./calendar.ts";
import type { InternalForecast } from "./forecast.ts";

/**
 * Suggested work orders for an EAM/CMMS: one per press and component that is due within the planning window.
 * A part is due at the earlier of
 *  - its cost-optimal replacement age (age-replacement policy, when one exists), and
 *  - the day its failure probability reaches the risk threshold (the `riskThreshold` quantile of the time to its
 *    next failure, condition readings included);
 * and its spare must be ordered `leadTimeDays` before that. Sockets of one component (e.g. the heater bands of
 * one barrel) are replaced together: one visit, one downtime.
 */
export interface WorkOrder {
  id: string;
  asset: string;
  assetName: string;
  cell: string;
  component: string;
  componentName: string;
  partNumber: string;
  quantity: number;
  dueDate: string;
  orderPartsBy: string;
  labourHours: number;
  estimatedCostEur: number;
  /** urgent: the part cannot arrive before the risk date; high: due within 14 days; normal otherwise. */
  priority: "urgent" | "high" | "normal";
  trigger: "risk" | "age";
  failureProbabilityByDue: number;
  reason: string;
}

export interface WorkOrderOptions {
  asOf: string;
  windowDays: number;
  riskThreshold: number;
  operatingHoursPerDay: number;
  risk: (f: InternalForecast) => number;
}

const HIGH_PRIORITY_DAYS = 14;

export function suggestWorkOrders(forecasts: InternalForecast[], o: WorkOrderOptions): WorkOrder[] {
  const due: Omit<WorkOrder, "id">[] = [];
  for (const f of forecasts) {
    const riskDays = o.risk(f) / o.operatingHoursPerDay;
    const ageH = f.preventive.optimalAgeH;
    const ageDays =
      ageH === null ? Number.POSITIVE_INFINITY : Math.max(0, ageH - f.currentAgeH) / o.operatingHoursPerDay;
    const trigger = riskDays <= ageDays ? "risk" : "age";
    const dueDays = Math.min(riskDays, ageDays);
    if (dueDays > o.windowDays) continue;
    const orderDays = dueDays - f.leadTimeDays;
    const priority = trigger === "risk" && orderDays < 0 ? "urgent" : dueDays <= HIGH_PRIORITY_DAYS ? "high" : "normal";
    const reason =
      trigger === "risk"
        ? `${pct(o.riskThreshold)} failure risk reached in ${days(dueDays)} (remaining life P50 ${days(f.remainingLifeDays.p50)})` +
          (f.condition ? `, given the reading ${f.condition.reading} ${f.condition.unit}` : "")
        : `cost-optimal replacement age ${hours(ageH!)} reached (part in service ≈ ${hours(f.currentAgeH)}); ` +
          `saves ${pct(f.preventive.savingFraction)} of the run-to-failure cost rate`;
    due.push({
      asset: f.press,
      assetName: f.pressName,
      cell: f.cell,
      component: f.component,
      componentName: f.componentName,
      partNumber: f.partNumber,
      quantity: f.sockets,
      dueDate: addDays(o.asOf, dueDays),
      orderPartsBy: addDays(o.asOf, Math.max(0, orderDays)),
      labourHours: f.labourHoursPerSocket * f.sockets,
      estimatedCostEur: f.preventive.costPreventiveEur * f.sockets,
      priority,
      trigger,
      failureProbabilityByDue: trigger === "risk" ? o.riskThreshold : riskAt(f, dueDays, o),
      reason,
    });
  }
  due.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.asset.localeCompare(b.asset));
  const stamp = o.asOf.replaceAll("-", "");
  return due.map((w, i) => ({ id: `WO-${stamp}-${String(i + 1).padStart(4, "0")}`, ...w }));
}

/** Failure probability by an age-triggered due date, interpolated on the remaining-life quantiles (P10/50/90). */
function riskAt(f: InternalForecast, dueDays: number, o: WorkOrderOptions): number {
  const q = f.remainingLifeDays;
  const points: [number, number][] = [
    [0, 0],
    [q.p10, 0.1],
    [q.p50, 0.5],
    [q.p90, 0.9],
  ];
  const riskDays = o.risk(f) / o.operatingHoursPerDay;
  if (riskDays > 0) points.push([riskDays, o.riskThreshold]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    if (dueDays <= x1) return x1 > x0 ? y0 + ((y1 - y0) * (dueDays - x0)) / (x1 - x0) : y1;
  }
  return 0.9;
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
const days = (d: number) => `${d.toFixed(0)} d`;
const hours = (h: number) => `${h.toFixed(0)} h`;
