import { OrbitControls } from "@react-three/drei";
import { type ThreeEvent, useFrame, useThree } from "@react-three/fiber";
import { memo, type RefObject, useEffect, useLayoutEffect, useMemo, useRef } from "react";
import * as THREE from "three";
import type { OrbitControls as OrbitControlsImpl } from "three-stdlib";
import type { Cell, PressStatus } from "../api.ts";
import { STATUS_COLOURS, UNKNOWN_COLOUR } from "../format.ts";
import type { LiveStore } from "../liveStore.ts";
import { registerScene, stats } from "../testHook.ts";
import { type Bounds, cellBounds, type PressLayout, pressPoint } from "./layout.ts";

/**
 * The cell in 3D. Every repeated part is one InstancedMesh (press bases, clamp guards, injection units, hoppers,
 * status beacons, robots, temperature control units) with per-instance colour, so 50 presses are a handful of
 * draw calls. The canvas renders on demand: live messages recolour instances through refs and call invalidate();
 * React re-renders this tree only when the cell changes.
 */

/** A press label's DOM node and what was last written to it (so unchanged frames write nothing). */
export interface LabelSlot {
  el: HTMLDivElement | null;
  far: boolean;
  shown: boolean;
  transform: string;
}

interface SceneProps {
  cell: Cell;
  layouts: PressLayout[];
  store: LiveStore;
  labels: RefObject<Map<string, LabelSlot>>;
  onSelect: (id: string) => void;
  /** Changes when the user asks to reset the camera. */
  viewKey: number;
}

const GREY = new THREE.Color("#8b949e");
const STEEL = new THREE.Color("#c9d1d9");
const ROBOT = new THREE.Color("#f0883e");
const TCU_ON = new THREE.Color("#3d9ea6");
const TCU_OFF = new THREE.Color("#4a5058");

const statusColour = new Map<string, THREE.Color>(
  [...Object.entries(STATUS_COLOURS), ["unknown", UNKNOWN_COLOUR] as const].map(([k, v]) => [k, new THREE.Color(v)]),
);
const darker = new Map<string, THREE.Color>(
  [...statusColour].map(([k, c]) => [k, c.clone().lerp(new THREE.Color("#1f2328"), 0.45)]),
);

interface Part {
  /** Index of the press this instance belongs to (for picking). */
  press: number;
  matrix: THREE.Matrix4;
}

const tmpQ = new THREE.Quaternion();
const tmpE = new THREE.Euler();

/** A box/cylinder of the given size centred at press-local (u, v, h), turned with the press. */
function partMatrix(l: PressLayout, u: number, v: number, h: number, sx: number, sy: number, sz: number, tiltX = 0) {
  const [x, y, z] = pressPoint(l, u, v, h);
  tmpE.set(tiltX, l.yaw, 0, "YXZ");
  tmpQ.setFromEuler(tmpE);
  return new THREE.Matrix4().compose(new THREE.Vector3(x, y, z), tmpQ, new THREE.Vector3(sx, sy, sz));
}

interface Parts {
  base: Part[];
  guard: Part[];
  barrel: Part[];
  hopper: Part[];
  beacon: Part[];
  robotPost: Part[];
  robotBeam: Part[];
  robotArm: Part[];
  tcu: Part[];
}

function buildParts(layouts: PressLayout[]): Parts {
  const p: Parts = {
    base: [],
    guard: [],
    barrel: [],
    hopper: [],
    beacon: [],
    robotPost: [],
    robotBeam: [],
    robotArm: [],
    tcu: [],
  };
  layouts.forEach((l, i) => {
    const { lengthM: L, widthM: W, heightM: H, baseHeightM: B } = l;
    p.base.push({ press: i, matrix: partMatrix(l, 0, 0, B / 2, W, B, L) });
    p.guard.push({ press: i, matrix: partMatrix(l, 0, L * 0.22, B + (H - B) / 2, W * 0.94, H - B, L * 0.52) });
    // Injection unit: a cylinder lying along the press (tilted 90° about the press's x).
    p.barrel.push({
      press: i,
      matrix: partMatrix(l, 0, -L * 0.27, B + 0.32, W * 0.42, L * 0.42, W * 0.42, Math.PI / 2),
    });
    p.hopper.push({ press: i, matrix: partMatrix(l, 0, -L * 0.36, B + 0.95, 0.5, 0.6, 0.5) });
    p.beacon.push({ press: i, matrix: partMatrix(l, W * 0.34, -L * 0.02, H + 0.2, 0.22, 0.4, 0.22) });
    if (l.press.robot) {
      p.robotPost.push({ press: i, matrix: partMatrix(l, -W * 0.3, 0, H + 0.65, 0.22, 1.3, 0.22) });
      const beamFrom = 0;
      const beamTo = L / 2 + 1.1;
      p.robotBeam.push({
        press: i,
        matrix: partMatrix(l, -W * 0.3, (beamFrom + beamTo) / 2, H + 1.36, 0.26, 0.22, beamTo - beamFrom),
      });
      p.robotArm.push({
        press: i,
        matrix: partMatrix(l, -W * 0.3, beamTo - 0.2, (H + 1.3 + 1.2) / 2, 0.14, H + 0.1, 0.14),
      });
    }
    const n = Math.max(0, Math.min(8, Math.round(l.press.temperatureControlUnits ?? 0)));
    for (let k = 0; k < n; k++) {
      p.tcu.push({ press: i, matrix: partMatrix(l, W / 2 + 0.55, -L * 0.1 + k * 0.72, 0.45, 0.55, 0.9, 0.6) });
    }
  });
  return p;
}

/** One InstancedMesh: matrices set once per cell, colours by callback, clicks mapped to presses. */
function Instances({
  parts,
  meshRef,
  colour,
  geometry,
  basic,
  onPick,
}: {
  parts: Part[];
  meshRef?: RefObject<THREE.InstancedMesh | null>;
  colour: THREE.Color | ((p: Part) => THREE.Color);
  geometry: THREE.BufferGeometry;
  basic?: boolean;
  onPick: (press: number) => void;
}) {
  const local = useRef<THREE.InstancedMesh>(null);
  const ref = meshRef ?? local;
  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    parts.forEach((p, i) => {
      mesh.setMatrixAt(i, p.matrix);
      mesh.setColorAt(i, typeof colour === "function" ? colour(p) : colour);
    });
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
    mesh.computeBoundingBox();
  }, [parts, colour, ref]);
  if (parts.length === 0) return null;
  const click = (e: ThreeEvent<MouseEvent>): void => {
    e.stopPropagation();
    const p = e.instanceId === undefined ? undefined : parts[e.instanceId];
    if (p) onPick(p.press);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a three.js object, not a DOM element (the press list is the accessible way)
    <instancedMesh
      ref={ref}
      args={[geometry, undefined, parts.length]}
      onClick={click}
      onPointerOver={() => {
        document.body.style.cursor = "pointer";
      }}
      onPointerOut={() => {
        document.body.style.cursor = "";
      }}
    >
      {basic ? <meshBasicMaterial /> : <meshStandardMaterial roughness={0.65} metalness={0.15} />}
    </instancedMesh>
  );
}

function Conveyors({ cell }: { cell: Cell }) {
  return (
    <group>
      {cell.conveyors.map((c) => {
        const dx = c.to.xM - c.from.xM;
        const dz = c.to.yM - c.from.yM;
        const len = Math.hypot(dx, dz);
        if (len <= 0) return null;
        const yaw = -Math.atan2(dz, dx);
        const cx = (c.from.xM + c.to.xM) / 2;
        const cz = (c.from.yM + c.to.yM) / 2;
        return (
          <group key={c.id} position={[cx, 0, cz]} rotation={[0, yaw, 0]}>
            <mesh position={[0, 0.4, 0]}>
              <boxGeometry args={[len, 0.8, c.widthM + 0.12]} />
              <meshStandardMaterial color="#6e7781" roughness={0.7} />
            </mesh>
            <mesh position={[0, 0.82, 0]}>
              <boxGeometry args={[len, 0.05, c.widthM]} />
              <meshStandardMaterial color="#24292f" roughness={0.9} />
            </mesh>
          </group>
        );
      })}
    </group>
  );
}

/** Fits the camera to the cell: whole cell in view, seen from the front at about 50° elevation. */
function fitCamera(camera: THREE.PerspectiveCamera, controls: OrbitControlsImpl | null, b: Bounds, aspect: number) {
  const cx = (b.minX + b.maxX) / 2;
  const cz = (b.minZ + b.maxZ) / 2;
  const halfW = (b.maxX - b.minX) / 2;
  const halfD = (b.maxZ - b.minZ) / 2;
  const vfov = (camera.fov * Math.PI) / 180;
  const hfov = 2 * Math.atan(Math.tan(vfov / 2) * aspect);
  const elev = (48 * Math.PI) / 180;
  // The depth of the cell shows foreshortened by sin(elevation).
  const d = Math.max(halfW / Math.tan(hfov / 2), (halfD * Math.sin(elev) + 3) / Math.tan(vfov / 2)) + halfD * 0.5;
  camera.position.set(cx, d * Math.sin(elev), cz + d * Math.cos(elev));
  camera.near = Math.max(0.1, d / 200);
  camera.far = d * 20;
  camera.updateProjectionMatrix();
  camera.lookAt(cx, 0, cz);
  if (controls) {
    controls.target.set(cx, 0, cz);
    controls.update();
  }
}

function SceneImpl({ cell, layouts, store, labels, onSelect, viewKey }: SceneProps) {
  stats.sceneRenders++;
  const camera = useThree((s) => s.camera) as THREE.PerspectiveCamera;
  const gl = useThree((s) => s.gl);
  const size = useThree((s) => s.size);
  const invalidate = useThree((s) => s.invalidate);
  const controls = useRef<OrbitControlsImpl>(null);
  const baseRef = useRef<THREE.InstancedMesh>(null);
  const guardRef = useRef<THREE.InstancedMesh>(null);
  const beaconRef = useRef<THREE.InstancedMesh>(null);
  const tcuRef = useRef<THREE.InstancedMesh>(null);

  const parts = useMemo(() => buildParts(layouts), [layouts]);
  const bounds = useMemo(() => cellBounds(cell, layouts), [cell, layouts]);
  const index = useMemo(() => new Map(layouts.map((l, i) => [l.press.id, i])), [layouts]);
  const geo = useMemo(
    () => ({
      box: new THREE.BoxGeometry(1, 1, 1),
      cyl: new THREE.CylinderGeometry(0.5, 0.5, 1, 20),
      cone: new THREE.CylinderGeometry(0.5, 0.18, 1, 16),
      beacon: new THREE.CylinderGeometry(0.5, 0.5, 1, 12),
    }),
    [],
  );
  useEffect(
    () => () => {
      for (const g of Object.values(geo)) g.dispose();
    },
    [geo],
  );

  const pick = useMemo(
    () => (i: number) => {
      const l = layouts[i];
      if (l) onSelect(l.press.id);
    },
    [layouts, onSelect],
  );

  // Initial colours: whatever the store already knows (the cell may be switched while live data flows).
  const colours = useMemo(() => {
    const initialStatus = (i: number): string => store.byId.get(layouts[i]?.press.id ?? "")?.status ?? "unknown";
    return {
      guard: (p: Part) => statusColour.get(initialStatus(p.press)) ?? GREY,
      base: (p: Part) => darker.get(initialStatus(p.press)) ?? GREY,
      tcu: (p: Part) => (initialStatus(p.press) === "offline" ? TCU_OFF : TCU_ON),
    };
  }, [layouts, store]);

  // Live: recolour instances in place, then ask for one frame.
  useEffect(() => {
    const tcuOf = new Map<number, number[]>();
    parts.tcu.forEach((p, k) => {
      const list = tcuOf.get(p.press) ?? [];
      list.push(k);
      tcuOf.set(p.press, list);
    });
    const shown = new Map<number, string>();
    return store.subscribe((msg) => {
      stats.liveMessages++;
      let changed = false;
      for (const lp of msg.presses) {
        const i = index.get(lp.id);
        if (i === undefined) continue;
        const status: PressStatus | "unknown" = lp.status in STATUS_COLOURS ? lp.status : "unknown";
        if (shown.get(i) === status) continue;
        shown.set(i, status);
        changed = true;
        stats.colourUpdates++;
        const c = statusColour.get(status) ?? GREY;
        guardRef.current?.setColorAt(i, c);
        beaconRef.current?.setColorAt(i, c);
        baseRef.current?.setColorAt(i, darker.get(status) ?? GREY);
        for (const k of tcuOf.get(i) ?? []) tcuRef.current?.setColorAt(k, status === "offline" ? TCU_OFF : TCU_ON);
      }
      if (!changed) return;
      for (const r of [guardRef, beaconRef, baseRef, tcuRef]) {
        const ic = r.current?.instanceColor;
        if (ic) ic.needsUpdate = true;
      }
      invalidate();
    });
  }, [store, index, parts, invalidate]);

  // Camera: fit on a new cell, on "reset view", and on a resize (the panel opening) unless the user has moved it.
  const userMoved = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: viewKey is the reset request
  useLayoutEffect(() => {
    userMoved.current = false;
  }, [bounds, viewKey]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: viewKey is the reset request
  useLayoutEffect(() => {
    if (userMoved.current) return;
    fitCamera(camera, controls.current, bounds, size.width / Math.max(1, size.height));
    invalidate();
  }, [bounds, viewKey, camera, invalidate, size.width, size.height]);

  // Labels follow their presses: projected after every rendered frame, written to the DOM directly.
  const v = useMemo(() => new THREE.Vector3(), []);
  useFrame((state) => {
    stats.frames++;
    stats.drawCalls = state.gl.info.render.calls;
    stats.triangles = state.gl.info.render.triangles;
    const w = state.size.width;
    const h = state.size.height;
    const slots = labels.current;
    if (!slots) return;
    for (const l of layouts) {
      const slot = slots.get(l.press.id);
      const el = slot?.el;
      if (!slot || !el) continue;
      const [x, y, z] = pressPoint(l, 0, 0, l.heightM + (l.press.robot ? 1.7 : 0.6));
      v.set(x, y, z);
      const dist = v.distanceTo(state.camera.position);
      v.project(state.camera);
      const shown = !(v.z > 1 || v.x < -1.2 || v.x > 1.2 || v.y < -1.2 || v.y > 1.2);
      if (shown !== slot.shown) {
        slot.shown = shown;
        el.style.display = shown ? "" : "none";
      }
      if (!shown) continue;
      const transform = `translate3d(${(((v.x + 1) / 2) * w).toFixed(1)}px, ${(((1 - v.y) / 2) * h).toFixed(1)}px, 0) translate(-50%, -100%)`;
      if (transform !== slot.transform) {
        slot.transform = transform;
        el.style.transform = transform;
      }
      const far = dist > 75;
      if (far !== slot.far) {
        slot.far = far;
        el.dataset.far = far ? "1" : "0";
      }
    }
  });

  // The test hook: screen position of a press, the presses drawn.
  useEffect(() => {
    registerScene({
      pressIds: () => layouts.map((l) => l.press.id),
      pressScreenPosition: (id) => {
        const i = index.get(id);
        const l = i === undefined ? undefined : layouts[i];
        if (!l) return null;
        const [x, y, z] = pressPoint(l, 0, l.lengthM * 0.22, l.heightM);
        const p = new THREE.Vector3(x, y, z).project(camera);
        if (p.z > 1 || Math.abs(p.x) > 1 || Math.abs(p.y) > 1) return null;
        const rect = gl.domElement.getBoundingClientRect();
        return { x: rect.left + ((p.x + 1) / 2) * rect.width, y: rect.top + ((1 - p.y) / 2) * rect.height };
      },
    });
    return () => registerScene(null);
  }, [layouts, index, camera, gl]);

  const floorW = bounds.maxX - bounds.minX + 10;
  const floorD = bounds.maxZ - bounds.minZ + 10;
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cz = (bounds.minZ + bounds.maxZ) / 2;
  const grid = Math.ceil(Math.max(floorW, floorD) / 2) * 2;

  return (
    <>
      <color attach="background" args={["#e8edf2"]} />
      <hemisphereLight args={["#ffffff", "#8c959f", 1.6]} />
      <directionalLight position={[cx + 30, 60, cz + 40]} intensity={1.6} />
      <mesh rotation={[-Math.PI / 2, 0, 0]} position={[cx, -0.01, cz]}>
        <planeGeometry args={[floorW, floorD]} />
        <meshStandardMaterial color="#d0d7de" roughness={1} />
      </mesh>
      <gridHelper args={[grid, grid / 2, "#b8c0c8", "#c6cdd4"]} position={[cx, 0.005, cz]} />
      <Conveyors cell={cell} />
      <Instances parts={parts.base} meshRef={baseRef} colour={colours.base} geometry={geo.box} onPick={pick} />
      <Instances parts={parts.guard} meshRef={guardRef} colour={colours.guard} geometry={geo.box} onPick={pick} />
      <Instances parts={parts.barrel} colour={STEEL} geometry={geo.cyl} onPick={pick} />
      <Instances parts={parts.hopper} colour={GREY} geometry={geo.cone} onPick={pick} />
      <Instances
        parts={parts.beacon}
        meshRef={beaconRef}
        colour={colours.guard}
        geometry={geo.beacon}
        basic
        onPick={pick}
      />
      <Instances parts={parts.robotPost} colour={ROBOT} geometry={geo.box} onPick={pick} />
      <Instances parts={parts.robotBeam} colour={ROBOT} geometry={geo.box} onPick={pick} />
      <Instances parts={parts.robotArm} colour={ROBOT} geometry={geo.box} onPick={pick} />
      <Instances parts={parts.tcu} meshRef={tcuRef} colour={colours.tcu} geometry={geo.box} onPick={pick} />
      <OrbitControls
        ref={controls}
        makeDefault
        onStart={() => {
          userMoved.current = true;
        }}
        enableDamping={false}
        maxPolarAngle={Math.PI / 2 - 0.05}
        minDistance={4}
        maxDistance={400}
      />
    </>
  );
}

/** Memoised: the parent's state (selection, panel) never re-renders the scene. */
export const Scene = memo(SceneImpl);

/** A ring on the floor around the selected press; the only part of the scene that follows the selection. */
export function SelectionRing({ layout }: { layout: PressLayout | null }) {
  const invalidate = useThree((s) => s.invalidate);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one frame whenever the selection moves
  useEffect(() => {
    invalidate();
  }, [layout, invalidate]);
  if (!layout) return null;
  const r = Math.hypot(layout.lengthM, layout.widthM) / 2 + 0.4;
  return (
    <mesh position={[layout.x, 0.03, layout.z]} rotation={[-Math.PI / 2, 0, 0]}>
      <ringGeometry args={[r, r + 0.35, 48]} />
      <meshBasicMaterial color="#0969da" />
    </mesh>
  );
}
