import type { Cell, Press } from "../api.ts";

/**
 * Where things stand in the 3D scene. The plant plan's x stays x, its y becomes the scene's z (three.js is y-up),
 * and a press's rotation turns it about the vertical. A press is long along its local y: injection unit at the
 * back (−y), clamp unit at the front (+y, towards the conveyor in the seed plants), robot on the fixed platen,
 * temperature control units beside it. Sizes follow the clamp force, roughly as catalogue machines do
 * (110 t ≈ 5 m long, 450 t ≈ 6.5 m).
 */
export interface PressLayout {
  press: Press;
  /** Scene position of the press's centre on the floor. */
  x: number;
  z: number;
  /** Rotation about the vertical (radians, scene convention). */
  yaw: number;
  lengthM: number;
  widthM: number;
  heightM: number;
  baseHeightM: number;
}

export function pressDimensions(clampForceKN: number): { lengthM: number; widthM: number; heightM: number } {
  const kt = Math.max(0.1, (Number.isFinite(clampForceKN) ? clampForceKN : 1000) / 1000);
  return {
    lengthM: 3.9 + 1.1 * kt ** 0.6,
    widthM: 1.05 + 0.38 * Math.sqrt(kt),
    heightM: 1.45 + 0.32 * Math.sqrt(kt),
  };
}

export function layoutPress(press: Press): PressLayout {
  const d = pressDimensions(press.clampForceKN);
  return {
    press,
    x: press.position.xM,
    z: press.position.yM,
    yaw: -((press.position.rotationDeg ?? 0) * Math.PI) / 180,
    ...d,
    baseHeightM: 0.85,
  };
}

/** A point in the press's own frame (u across, v along towards the clamp, h up) in scene coordinates. */
export function pressPoint(l: PressLayout, u: number, v: number, h: number): [number, number, number] {
  // Plan: local (u, v) rotated by rotationDeg; scene z = plan y.
  const th = -l.yaw;
  const c = Math.cos(th);
  const s = Math.sin(th);
  return [l.x + u * c - v * s, h, l.z + u * s + v * c];
}

export interface Bounds {
  minX: number;
  maxX: number;
  minZ: number;
  maxZ: number;
}

export function cellBounds(cell: Cell, layouts: PressLayout[]): Bounds {
  const b: Bounds = { minX: Infinity, maxX: -Infinity, minZ: Infinity, maxZ: -Infinity };
  const add = (x: number, z: number): void => {
    b.minX = Math.min(b.minX, x);
    b.maxX = Math.max(b.maxX, x);
    b.minZ = Math.min(b.minZ, z);
    b.maxZ = Math.max(b.maxZ, z);
  };
  for (const l of layouts) {
    const r = Math.max(l.lengthM, l.widthM) / 2 + 1;
    add(l.x - r, l.z - r);
    add(l.x + r, l.z + r);
  }
  for (const c of cell.conveyors) {
    add(c.from.xM, c.from.yM);
    add(c.to.xM, c.to.yM);
  }
  if (!Number.isFinite(b.minX)) return { minX: -10, maxX: 10, minZ: -10, maxZ: 10 };
  return b;
}
