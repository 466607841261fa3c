import { Canvas } from "@react-three/fiber";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Cell } from "../api.ts";
import { clock, compact, num, pct, STATUS_COLOURS, statusColour } from "../format.ts";
import { alertCount, type LiveStore } from "../liveStore.ts";
import { setSelectedForHook } from "../testHook.ts";
import { layoutPress } from "./layout.ts";
import { PressPanel } from "./PressPanel.tsx";
import { type LabelSlot, Scene, SelectionRing } from "./Scene.tsx";

/**
 * The cell view: press list (DOM, accessible, selects like a click in 3D), the 3D scene with its label overlay,
 * and the side panel of the selected press.
 */
export function CellView({ cells, store }: { cells: Cell[]; store: LiveStore }) {
  const [cellId, setCellId] = useState(cells[0]?.id ?? "");
  const [selected, setSelected] = useState<string | null>(null);
  const [viewKey, setViewKey] = useState(0);
  const cell = cells.find((c) => c.id === cellId) ?? cells[0];
  const layouts = useMemo(() => (cell ? cell.presses.map(layoutPress) : []), [cell]);
  const labels = useRef(new Map<string, LabelSlot>());
  const onSelect = useCallback((id: string) => setSelected(id), []);

  useEffect(() => setSelectedForHook(selected), [selected]);
  useEffect(() => {
    if (selected && !layouts.some((l) => l.press.id === selected)) setSelected(null);
  }, [layouts, selected]);

  if (!cell) return <p className="muted pad">No cells are visible to this account.</p>;
  const selectedLayout = layouts.find((l) => l.press.id === selected) ?? null;

  return (
    <div className="cell-view">
      <nav className="press-list" aria-label="Presses">
        {cells.length > 1 ? (
          <label className="cell-select">
            Cell{" "}
            <select data-testid="cell-select" value={cell.id} onChange={(e) => setCellId(e.target.value)}>
              {cells.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.presses.length})
                </option>
              ))}
            </select>
          </label>
        ) : (
          <div className="cell-name">{cell.name}</div>
        )}
        <PressList cell={cell} store={store} selected={selected} onSelect={onSelect} />
      </nav>
      <div className="stage" data-testid="cell-canvas" data-cell-id={cell.id}>
        <Canvas
          frameloop="demand"
          dpr={[1, 2]}
          camera={{ fov: 45, near: 0.5, far: 2000, position: [0, 40, 50] }}
          gl={{ antialias: true, powerPreference: "high-performance" }}
          onPointerMissed={() => undefined}
        >
          <Scene
            key={cell.id}
            cell={cell}
            layouts={layouts}
            store={store}
            labels={labels}
            onSelect={onSelect}
            viewKey={viewKey}
          />
          <SelectionRing layout={selectedLayout} />
        </Canvas>
        <LabelLayer cell={cell} store={store} labels={labels} selected={selected} />
        <div className="stage-tools">
          <LiveBadge store={store} />
          <button type="button" onClick={() => setViewKey((k) => k + 1)}>
            Reset view
          </button>
        </div>
        <Legend />
      </div>
      {selected ? (
        <PressPanel key={selected} pressId={selected} store={store} onClose={() => setSelected(null)} />
      ) : null}
    </div>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="Status colours">
      {Object.entries(STATUS_COLOURS).map(([s, c]) => (
        <li key={s}>
          <span className="dot" style={{ background: c }} />
          {s}
        </li>
      ))}
    </ul>
  );
}

/** "live 12:00:01" or "reconnecting…", written by the store's callbacks, not by React state. */
function LiveBadge({ store }: { store: LiveStore }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const show = (): void => {
      const el = ref.current;
      if (!el) return;
      el.dataset.state = store.connection;
      el.textContent =
        store.connection === "open"
          ? `live ${clock(store.lastAtMs)}`
          : store.connection === "reconnecting"
            ? "reconnecting…"
            : store.connection === "closed"
              ? "live feed closed"
              : "connecting…";
    };
    show();
    const a = store.subscribe(show);
    const b = store.onConnection(show);
    return () => {
      a();
      b();
    };
  }, [store]);
  return <span ref={ref} className="live-badge" data-testid="live-badge" />;
}

/** Label DOM per press; positions are written by the scene after each frame, text by live messages. */
function LabelLayer({
  cell,
  store,
  labels,
  selected,
}: {
  cell: Cell;
  store: LiveStore;
  labels: React.RefObject<Map<string, LabelSlot>>;
  selected: string | null;
}) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const update = (): void => {
      const el = root.current;
      if (!el) return;
      for (const p of cell.presses) {
        const lp = store.byId.get(p.id);
        const slot = labels.current.get(p.id);
        const div = slot?.el;
        if (!div || !lp) continue;
        const status = lp.status;
        if (div.dataset.status !== status) {
          div.dataset.status = status;
          const dot = div.querySelector<HTMLElement>(".dot");
          if (dot) dot.style.background = statusColour(status);
        }
        setText(div, "oee", pct(lp.oee, 0));
        setText(div, "ct", lp.cycleTimeS === null ? "– s" : `${num(lp.cycleTimeS, 1)} s`);
        setText(div, "good", `${compact(lp.goodParts)} good`);
        const n = alertCount(lp.alerts);
        setText(div, "alerts", n > 0 ? `⚠ ${n}` : "");
      }
    };
    update();
    return store.subscribe(update);
  }, [cell, store, labels]);

  return (
    <div className="labels" ref={root} aria-hidden="true">
      {cell.presses.map((p) => (
        <div
          key={p.id}
          className={`label${p.id === selected ? " selected" : ""}`}
          data-testid={`press-label-${p.id}`}
          data-press-id={p.id}
          style={{ display: "none" }}
          ref={(el) => {
            const slot = labels.current.get(p.id) ?? { el: null, far: false, shown: false, transform: "" };
            if (slot.el !== el) {
              // A new node starts hidden (style display: none) with no position.
              slot.shown = false;
              slot.transform = "";
              slot.far = false;
            }
            slot.el = el;
            labels.current.set(p.id, slot);
          }}
        >
          <div className="label-head">
            <span className="dot" />
            <b>{p.name}</b>
            <span data-k="oee" title="OEE">
              –
            </span>
            <span data-k="alerts" className="label-alerts" />
          </div>
          <div className="label-body">
            <span data-k="ct">– s</span> · <span data-k="good">–</span>
          </div>
        </div>
      ))}
    </div>
  );
}

function setText(root: HTMLElement, key: string, text: string): void {
  const el = root.querySelector<HTMLElement>(`[data-k="${key}"]`);
  if (el && el.textContent !== text) el.textContent = text;
}

/** The accessible press list: status dot, name, status; live updates through refs. */
function PressList({
  cell,
  store,
  selected,
  onSelect,
}: {
  cell: Cell;
  store: LiveStore;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const root = useRef<HTMLUListElement>(null);
  useEffect(() => {
    const update = (): void => {
      const ul = root.current;
      if (!ul) return;
      for (const p of cell.presses) {
        const lp = store.byId.get(p.id);
        const li = ul.querySelector<HTMLButtonElement>(`button[data-press-id="${CSS.escape(p.id)}"]`);
        if (!lp || !li || li.dataset.status === lp.status) continue;
        li.dataset.status = lp.status;
        const dot = li.querySelector<HTMLElement>(".dot");
        if (dot) dot.style.background = statusColour(lp.status);
        const st = li.querySelector<HTMLElement>(".st");
        if (st) st.textContent = lp.status;
      }
    };
    update();
    return store.subscribe(update);
  }, [store, cell]);
  return (
    <ul ref={root} data-testid="press-list">
      {cell.presses.map((p) => (
        <li key={p.id}>
          <button
            type="button"
            data-testid={`press-item-${p.id}`}
            data-press-id={p.id}
            aria-pressed={p.id === selected}
            className={p.id === selected ? "selected" : undefined}
            onClick={() => onSelect(p.id)}
          >
            <span className="dot" />
            <span className="nm">{p.name}</span>
            <span className="st muted">–</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
