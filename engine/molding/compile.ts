import type { Machine } from "../../twin-models/schemas/machine.ts";
import type { CrossWlf, Material, Tait } from "../../twin-models/schemas/material.ts";
import type { Mold } from "../../twin-models/schemas/mold.ts";
import { describeDetail, type ErrorDetail, MoldtwinError } from "../errors.ts";
import { specificVolumeM3PerKg } from "../physics/tait.ts";
import { KELVIN_OFFSET, M_PER_MM, M3_PER_CM3 } from "../units.ts";

/** Segment shapes the march knows; a rect gate marches as a strip, a round gate as a tube. */
export const SHAPE_TUBE = 0;
export const SHAPE_STRIP = 1;
export const SHAPE_DISK = 2;
/** Roles, for the pressure split reported to the user. */
export const ROLE_NOZZLE = 0;
export const ROLE_RUNNER = 1;
export const ROLE_GATE = 2;
export const ROLE_CAVITY = 3;

/** Parts are measured conditioned at 23 °C (ISO 291 standard atmosphere). */
export const ROOM_TEMP_C = 23;

/** March resolution: steps per segment (the nozzle is isothermal and takes one). */
export const STEPS_PER_SEGMENT = 8;

/**
 * A twin reduced to the numbers the kernel needs, laid out in typed arrays once, so the per-shot kernel only
 * reads. Geometry in SI. Segment 0 is the machine nozzle.
 */
export interface CompiledTwin {
  readonly material: Material;
  readonly machine: Machine;
  readonly mold: Mold;
  readonly cross: CrossWlf;
  readonly tait: Tait;
  readonly segmentCount: number;
  readonly shape: Int8Array;
  readonly role: Int8Array;
  readonly heated: Uint8Array;
  /** Tube and strip: flow length. Disk: outer − inner radius. */
  readonly lengthM: Float64Array;
  readonly widthM: Float64Array;
  readonly radiusM: Float64Array;
  readonly thicknessM: Float64Array;
  readonly innerRadiusM: Float64Array;
  readonly outerRadiusM: Float64Array;
  readonly branches: Float64Array;
  /** Geometric volume of one branch. */
  readonly branchVolumeM3: Float64Array;
  /** Volume refilled every shot: cold runners, gates and the parts. */
  readonly coldRunnerVolumeM3: number;
  readonly partsVolumeM3: number;
  /** Cavity segments stand for the part; their volumes are scaled to the real part volume when timing the front. */
  readonly cavityVolumeScale: number;
  readonly gateShape: "plate" | "cylinder";
  readonly gateThicknessM: number;
  readonly wallThicknessM: number;
  readonly thinnestCavityM: number;
  readonly partFlowLengthM: number;
  readonly totalProjectedAreaCm2: number;
  readonly screwAreaM2: number;
  /** Linear thermal expansion of the solid, 1/K, from the Tait solid slope b2s/b1s ÷ 3. */
  readonly linearExpansionPerK: number;
  /** Specific volume of the part at room temperature and p = 0, m³/kg: the end state of shrinkage. */
  readonly roomVolumeM3PerKg: number;
  /** Temperature at which the melt stops flowing, °C. */
  readonly freezeTempC: number;
}

export function compileTwin(material: Material, machine: Machine, mold: Mold): CompiledTwin {
  checkTwin(material, mold);
  const n = mold.flowPath.length + 1;
  const shape = new Int8Array(n);
  const role = new Int8Array(n);
  const heated = new Uint8Array(n);
  const lengthM = new Float64Array(n);
  const widthM = new Float64Array(n);
  const radiusM = new Float64Array(n);
  const thicknessM = new Float64Array(n);
  const innerRadiusM = new Float64Array(n);
  const outerRadiusM = new Float64Array(n);
  const branches = new Float64Array(n);
  const branchVolumeM3 = new Float64Array(n);

  // The nozzle: a heated tube that carries the whole flow.
  shape[0] = SHAPE_TUBE;
  role[0] = ROLE_NOZZLE;
  heated[0] = 1;
  lengthM[0] = machine.nozzle.lengthMm * M_PER_MM;
  radiusM[0] = (machine.nozzle.diameterMm * M_PER_MM) / 2;
  branches[0] = 1;

  let coldRunnerVolumeM3 = 0;
  let cavityPathVolumeM3 = 0;
  let gateShape: "plate" | "cylinder" = "plate";
  let gateThicknessM = Number.POSITIVE_INFINITY;
  let thinnest = Number.POSITIVE_INFINITY;
  let partFlowLengthM = 0;
  mold.flowPath.forEach((seg, j) => {
    const i = j + 1;
    branches[i] = seg.branches;
    if (seg.kind === "tube") {
      shape[i] = SHAPE_TUBE;
      role[i] = ROLE_RUNNER;
      heated[i] = seg.heated ? 1 : 0;
      lengthM[i] = seg.lengthMm * M_PER_MM;
      radiusM[i] = (seg.diameterMm * M_PER_MM) / 2;
      branchVolumeM3[i] = Math.PI * radiusM[i] ** 2 * lengthM[i];
    } else if (seg.kind === "gate") {
      role[i] = ROLE_GATE;
      lengthM[i] = seg.lengthMm * M_PER_MM;
      if (seg.shape === "round") {
        shape[i] = SHAPE_TUBE;
        radiusM[i] = ((seg.diameterMm ?? 0) * M_PER_MM) / 2;
        branchVolumeM3[i] = Math.PI * radiusM[i] ** 2 * lengthM[i];
        if (2 * radiusM[i] < gateThicknessM) {
          gateThicknessM = 2 * radiusM[i];
          gateShape = "cylinder";
        }
      } else {
        shape[i] = SHAPE_STRIP;
        widthM[i] = (seg.widthMm ?? 0) * M_PER_MM;
        thicknessM[i] = (seg.thicknessMm ?? 0) * M_PER_MM;
        branchVolumeM3[i] = widthM[i] * thicknessM[i] * lengthM[i];
        if (thicknessM[i] < gateThicknessM) {
          gateThicknessM = thicknessM[i];
          gateShape = "plate";
        }
      }
    } else if (seg.kind === "strip") {
      shape[i] = SHAPE_STRIP;
      role[i] = ROLE_CAVITY;
      lengthM[i] = seg.lengthMm * M_PER_MM;
      widthM[i] = seg.widthMm * M_PER_MM;
      thicknessM[i] = seg.thicknessMm * M_PER_MM;
      branchVolumeM3[i] = widthM[i] * thicknessM[i] * lengthM[i];
      partFlowLengthM += lengthM[i];
    } else {
      shape[i] = SHAPE_DISK;
      role[i] = ROLE_CAVITY;
      innerRadiusM[i] = seg.innerRadiusMm * M_PER_MM;
      outerRadiusM[i] = seg.outerRadiusMm * M_PER_MM;
      lengthM[i] = outerRadiusM[i] - innerRadiusM[i];
      thicknessM[i] = seg.thicknessMm * M_PER_MM;
      branchVolumeM3[i] = Math.PI * (outerRadiusM[i] ** 2 - innerRadiusM[i] ** 2) * thicknessM[i];
      partFlowLengthM += 2 * outerRadiusM[i];
    }
    if (role[i] === ROLE_CAVITY) {
      cavityPathVolumeM3 += branchVolumeM3[i] * branches[i];
      thinnest = Math.min(thinnest, thicknessM[i]!);
    } else if (!heated[i]) {
      coldRunnerVolumeM3 += branchVolumeM3[i] * branches[i];
    }
  });

  const partsVolumeM3 = mold.cavities * mold.partVolumeCm3 * M3_PER_CM3;
  const wallThicknessM = mold.wallThicknessMm * M_PER_MM;
  return {
    material,
    machine,
    mold,
    cross: material.crossWlf,
    tait: material.tait,
    segmentCount: n,
    shape,
    role,
    heated,
    lengthM,
    widthM,
    radiusM,
    thicknessM,
    innerRadiusM,
    outerRadiusM,
    branches,
    branchVolumeM3,
    coldRunnerVolumeM3,
    partsVolumeM3,
    cavityVolumeScale: partsVolumeM3 / cavityPathVolumeM3,
    // Without a gate segment the part itself seals.
    gateShape,
    gateThicknessM: Number.isFinite(gateThicknessM) ? gateThicknessM : thinnest,
    wallThicknessM,
    thinnestCavityM: thinnest,
    partFlowLengthM,
    totalProjectedAreaCm2: mold.cavities * mold.projectedAreaCm2 + mold.runnerProjectedAreaCm2,
    screwAreaM2: (Math.PI * (machine.screwDiameterMm * M_PER_MM) ** 2) / 4,
    linearExpansionPerK: material.tait.b2s / material.tait.b1s / 3,
    roomVolumeM3PerKg: specificVolumeM3PerKg(material.tait, ROOM_TEMP_C + KELVIN_OFFSET, 0),
    freezeTempC: material.noFlowTempC,
  };
}

/** Cross-field checks a schema cannot express: geometry that cannot exist, temperatures in the wrong order. */
function checkTwin(material: Material, mold: Mold): void {
  const problems: ErrorDetail[] = [];
  mold.flowPath.forEach((seg, i) => {
    const at = `mold.flowPath[${i}]`;
    if (seg.kind === "gate" && seg.shape === "rect") {
      if (seg.widthMm === undefined)
        problems.push({ field: `${at}.widthMm`, unit: "mm", allowed: "required for a rect gate" });
      if (seg.thicknessMm === undefined)
        problems.push({ field: `${at}.thicknessMm`, unit: "mm", allowed: "required for a rect gate" });
    }
    if (seg.kind === "gate" && seg.shape === "round" && seg.diameterMm === undefined) {
      problems.push({ field: `${at}.diameterMm`, unit: "mm", allowed: "required for a round gate" });
    }
    if (seg.kind === "disk" && seg.outerRadiusMm <= seg.innerRadiusMm) {
      problems.push({
        field: `${at}.outerRadiusMm`,
        value: seg.outerRadiusMm,
        unit: "mm",
        allowed: `> innerRadiusMm (${seg.innerRadiusMm} mm)`,
      });
    }
    const isCavity = seg.kind === "strip" || seg.kind === "disk";
    const next = mold.flowPath[i + 1];
    if (isCavity && next && next.kind !== "strip" && next.kind !== "disk") {
      problems.push({
        field: `mold.flowPath[${i + 1}].kind`,
        value: next.kind,
        allowed: "strip or disk: the cavity is the end of the flow path",
      });
    }
    if ((isCavity || seg.kind === "gate") && seg.branches % mold.cavities !== 0) {
      problems.push({
        field: `${at}.branches`,
        value: seg.branches,
        allowed: `a multiple of cavities (${mold.cavities})`,
      });
    }
  });
  const last = mold.flowPath[mold.flowPath.length - 1];
  if (last && last.kind !== "strip" && last.kind !== "disk") {
    problems.push({
      field: `mold.flowPath[${mold.flowPath.length - 1}].kind`,
      value: last.kind,
      allowed: "strip or disk (the path ends in the cavity)",
    });
  }
  if (mold.criticalDimension.toleranceMm >= mold.criticalDimension.nominalMm) {
    problems.push({
      field: "mold.criticalDimension.toleranceMm",
      value: mold.criticalDimension.toleranceMm,
      unit: "mm",
      allowed: "< nominalMm",
    });
  }
  if (material.ejectionTempC >= material.maxMeltTempC) {
    problems.push({
      field: "material.ejectionTempC",
      value: material.ejectionTempC,
      unit: "°C",
      allowed: `< maxMeltTempC (${material.maxMeltTempC} °C)`,
    });
  }
  if (material.noFlowTempC >= material.maxMeltTempC) {
    problems.push({
      field: "material.noFlowTempC",
      value: material.noFlowTempC,
      unit: "°C",
      allowed: `< maxMeltTempC (${material.maxMeltTempC} °C)`,
    });
  }
  if (material.crossWlf.etaMinPaS >= material.crossWlf.etaMaxPaS) {
    problems.push({
      field: "material.crossWlf.etaMinPaS",
      value: material.crossWlf.etaMinPaS,
      unit: "Pa·s",
      allowed: "< etaMaxPaS",
    });
  }
  if (problems.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_OUT_OF_RANGE",
      `inconsistent twin: ${problems.map(describeDetail).join("; ")}`,
      problems,
    );
  }
}
