import { type FormEvent, useState } from "react";

/** The token form. A token can also arrive as `#token=…` in the address (handled before this shows). */
export function Login({ onToken, message }: { onToken: (token: string) => Promise<void>; message: string | null }) {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!token.trim()) return;
    setBusy(true);
    try {
      await onToken(token.trim());
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={(e) => void submit(e)} data-testid="login-form">
        <h1>moldtwin</h1>
        <p className="muted">The live twin of your injection-molding cell. Sign in with your API token.</p>
        <label>
          API token
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            data-testid="login-token"
            placeholder="mt_…"
          />
        </label>
        <button type="submit" className="primary" disabled={busy || !token.trim()}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        {message ? (
          <p className="error" data-testid="login-error">
            {message}
          </p>
        ) : null}
        <p className="muted small">
          The token stays in this browser tab (sessionStorage) and is sent as <code>Authorization: Bearer …</code>.
        </p>
      </form>
    </main>
  );
}
