/**
 * A small window-level hook for the browser tests (and for anyone poking at the viewer from DevTools): where a
 * press is on screen, which presses the scene holds, what is selected, how often React and WebGL rendered. It
 * exposes nothing the page does not already show.
 */
export interface ViewerStats {
  /** React renders of the 3D scene component (should not grow with live messages). */
  sceneRenders: number;
  /** WebGL frames drawn (grows with live messages and camera moves: frameloop="demand"). */
  frames: number;
  /** Draw calls and triangles of the last frame. */
  drawCalls: number;
  triangles: number;
  /** Live messages received. */
  liveMessages: number;
  /** Presses whose instance colours were updated from live messages. */
  colourUpdates: number;
}

export interface MoldtwinHook {
  /** Client (CSS pixel) coordinates of the top of a press's clamp unit, or null if not in the scene / off screen. */
  pressScreenPosition(id: string): { x: number; y: number } | null;
  /** The press ids drawn in the 3D scene. */
  pressIds(): string[];
  selectedPress(): string | null;
  stats(): ViewerStats;
}

declare global {
  interface Window {
    __moldtwin?: MoldtwinHook;
  }
}

export const stats: ViewerStats = {
  sceneRenders: 0,
  frames: 0,
  drawCalls: 0,
  triangles: 0,
  liveMessages: 0,
  colourUpdates: 0,
};

interface SceneAccess {
  pressScreenPosition(id: string): { x: number; y: number } | null;
  pressIds(): string[];
}

let scene: SceneAccess | null = null;
let selected: string | null = null;

export function registerScene(access: SceneAccess | null): void {
  scene = access;
}

export function setSelectedForHook(id: string | null): void {
  selected = id;
}

export function installHook(): void {
  window.__moldtwin = {
    pressScreenPosition: (id) => scene?.pressScreenPosition(id) ?? null,
    pressIds: () => scene?.pressIds() ?? [],
    selectedPress: () => selected,
    stats: () => ({ ...stats }),
  };
}
