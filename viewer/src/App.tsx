import { useCallback, useEffect, useMemo, useState } from "react";
import {
  ApiError,
  apiGet,
  type Cell,
  fetchMe,
  initialToken,
  type Me,
  type Scenario,
  setApiToken,
  setUnauthorizedHandler,
  storeToken,
} from "./api.ts";
import { CellView } from "./cell/CellView.tsx";
import { Login } from "./Login.tsx";
import { LiveStore } from "./liveStore.ts";
import { Contract } from "./tabs/Contract.tsx";
import { Portal } from "./tabs/Portal.tsx";
import { ProcessWindow } from "./tabs/ProcessWindow.tsx";
import { Reliability } from "./tabs/Reliability.tsx";

type TabId = "cell" | "window" | "reliability" | "contract" | "portal";

/**
 * The tabs a user sees follow /api/me: the cell for everyone; each analysis tab only if the role may run its kind
 * (and, for the contract, see costs); the portal for customers (and admins, who see everything).
 */
export function tabsFor(me: Me): { id: TabId; label: string }[] {
  const kinds = me.permissions.runKinds;
  const tabs: { id: TabId; label: string; show: boolean }[] = [
    { id: "cell", label: "Cell", show: true },
    { id: "window", label: "Process window", show: kinds.includes("window") },
    { id: "reliability", label: "Failures & spares", show: kinds.includes("forecast") || kinds.includes("spares") },
    { id: "contract", label: "Contract", show: kinds.includes("contract") && me.permissions.costs },
    { id: "portal", label: "Portal", show: me.role === "customer" || me.role === "admin" },
  ];
  return tabs.filter((t) => t.show).map(({ id, label }) => ({ id, label }));
}

export function App() {
  const [token, setToken] = useState<string | null>(() => initialToken());
  const [me, setMe] = useState<Me | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const logout = useCallback((why: string | null) => {
    storeToken(null);
    setApiToken(null);
    setToken(null);
    setMe(null);
    setMessage(why);
  }, []);

  const signIn = useCallback(
    async (t: string) => {
      try {
        const m = await fetchMe(t);
        storeToken(t);
        setApiToken(t);
        setToken(t);
        setMe(m);
        setMessage(null);
      } catch (err) {
        logout(
          err instanceof ApiError && err.status === 401
            ? "This token is not valid (or was revoked)."
            : `Could not sign in: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    },
    [logout],
  );

  useEffect(() => {
    setUnauthorizedHandler(() => logout("Your session ended: the token was rejected."));
    return () => setUnauthorizedHandler(null);
  }, [logout]);

  // A stored or #token=… token: check it once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on the first render
  useEffect(() => {
    if (token && !me) void signIn(token);
  }, []);

  if (!me) {
    if (token && !message) return <p className="pad muted">Signing in…</p>;
    return <Login onToken={signIn} message={message} />;
  }
  return <Workspace me={me} onLogout={() => logout(null)} />;
}

function Workspace({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const tabs = useMemo(() => tabsFor(me), [me]);
  const [tab, setTabState] = useState<TabId>("cell");
  const [visited, setVisited] = useState<ReadonlySet<TabId>>(() => new Set(["cell"]));
  const setTab = (t: TabId): void => {
    setTabState(t);
    setVisited((v) => (v.has(t) ? v : new Set([...v, t])));
  };
  const [cells, setCells] = useState<Cell[] | null>(null);
  const [scenarios, setScenarios] = useState<Scenario[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const store = useMemo(() => new LiveStore(), []);

  useEffect(() => {
    const ctrl = new AbortController();
    apiGet<{ cells: Cell[] }>("/api/cells", ctrl.signal)
      .then((r) => setCells(r.cells))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(`cells: ${err instanceof Error ? err.message : String(err)}`);
      });
    if (me.permissions.runKinds.length > 0) {
      apiGet<{ scenarios: Scenario[] }>("/api/scenarios", ctrl.signal)
        .then((r) => setScenarios(r.scenarios))
        .catch(() => {
          if (!ctrl.signal.aborted) setScenarios([]);
        });
    } else setScenarios([]);
    store.connect(ctrl.signal);
    return () => ctrl.abort();
  }, [me, store]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">moldtwin</span>
        <div className="tabs" role="tablist" aria-label="Views" data-testid="tabs">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              data-testid={`tab-${t.id}`}
              className={tab === t.id ? "active" : undefined}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <span className="who" data-testid="who" data-role={me.role} data-tenant={me.tenant.id}>
          {me.user} · {me.role} · {me.tenant.name}
        </span>
        <button type="button" onClick={onLogout} data-testid="logout">
          Sign out
        </button>
      </header>
      {error ? <p className="error pad">{error}</p> : null}
      <main className="content">
        {/* The cell stays mounted (hidden) so the scene and its camera survive tab switches. */}
        <div className="tab-cell" hidden={tab !== "cell"}>
          {cells ? <CellView cells={cells} store={store} /> : <p className="muted pad">loading cells…</p>}
        </div>
        {/* Analysis tabs stay mounted once opened, so a running or finished run survives a tab switch. */}
        {visited.has("window") ? (
          <div hidden={tab !== "window"}>
            <ProcessWindow scenarios={scenarios} />
          </div>
        ) : null}
        {visited.has("reliability") ? (
          <div hidden={tab !== "reliability"}>
            <Reliability scenarios={scenarios} costs={me.permissions.costs} runKinds={me.permissions.runKinds} />
          </div>
        ) : null}
        {visited.has("contract") ? (
          <div hidden={tab !== "contract"}>
            <Contract scenarios={scenarios} />
          </div>
        ) : null}
        {visited.has("portal") ? (
          <div hidden={tab !== "portal"}>
            <Portal cells={cells ?? []} />
          </div>
        ) : null}
      </main>
    </div>
  );
}
