import "./SessionExpired.css";

/** The web UI's admin cookie is gone; nothing works until the user opens a fresh link. */
export function SessionExpired() {
  return (
    <main className="session-expired">
      <div className="card card-body session-expired-card" role="alert">
        <h1>Session expired</h1>
        <p>
          This page lost its admin session: open the link Gatehouse printed at start (it carries a
          one-time admin token), or restart <code>gatehouse</code> to get a new one.
        </p>
      </div>
    </main>
  );
}
