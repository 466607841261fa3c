import { crossWlfViscosityPaS } from "../physics/crossWlf.ts";
import type { CompiledTwin } from "./compile.ts";

/** Net output may not fall below this share of drag flow: past it the screw would not recover at all. */
const MIN_NET_OUTPUT_SHARE = 0.05;

/**
 * Screw recovery (plastication) output of the metering zone, Tadmor & Gogos, Principles of Polymer Processing
 * (2nd ed.) §9.2, isothermal Newtonian flat-plate model with the viscosity at the channel shear rate:
 *   drag flow     Q_d = ½·π²·D²·N·h·sinθ·cosθ
 *   pressure flow Q_p = π·D·h³·sin²θ·Δp_back / (12·η·L_m)
 * Returns the net volumetric output in m³/s at screw speed N (rev/s) against the back pressure, times
 * `outputFactor` (TwinAdjustments.screwOutputFactor: the share a worn screw and barrel still deliver, leak flow
 * over the worn flight lands; engine/wear/archard.ts).
 */
export function plasticatingRateM3s(
  twin: CompiledTwin,
  meltTempK: number,
  screwSpeedRpm: number,
  backPressurePa: number,
  viscosityFactor: number,
  outputFactor = 1,
): number {
  const m = twin.machine;
  const d = m.screwDiameterMm * 1e-3;
  const h = m.screw.meteringDepthMm * 1e-3;
  const lm = m.screw.meteringLengthMm * 1e-3;
  const theta = (m.screw.helixAngleDeg * Math.PI) / 180;
  const revPerS = screwSpeedRpm / 60;
  const drag = 0.5 * Math.PI * Math.PI * d * d * revPerS * h * Math.sin(theta) * Math.cos(theta);
  const channelShearRate1s = (Math.PI * d * revPerS) / h;
  const eta = crossWlfViscosityPaS(twin.cross, meltTempK, channelShearRate1s, 0, viscosityFactor);
  const pressure = (Math.PI * d * h * h * h * Math.sin(theta) ** 2 * backPressurePa) / (12 * eta * lm);
  const net = drag - pressure;
  return (net > MIN_NET_OUTPUT_SHARE * drag ? net : MIN_NET_OUTPUT_SHARE * drag) * outputFactor;
}
