import type { DemoStatus } from "../../../../shared/ui-api";

/**
 * While the embedded default config runs: what its demo shows, and one click to see it, as each
 * demo identity in the Playground. A config of the user's own has no demo, and no such card.
 */
export function FirstRunCard({ demo }: { demo: DemoStatus }) {
  return (
    <section className="card card-body stack" aria-label="Try enforcement">
      <h2>See Gatehouse enforce</h2>
      <p>
        This is the built-in demo config. Without a token, a client may use only <code>echo</code>.{" "}
        {demo.identities.map(({ name, may }) => (
          <span key={name}>
            <strong>{name}</strong> may use {may}.{" "}
          </span>
        ))}
        Connect as each and compare what they see.
      </p>
      {demo.keyNotice && (
        <div className="notice notice-warn" role="note">
          <p className="notice-message">{demo.keyNotice}</p>
        </div>
      )}
      <div className="button-row">
        {demo.identities.map(({ name }) => (
          <a key={name} className="button button-primary" href={`#/playground?as=${name}`}>
            Connect as {name}
          </a>
        ))}
        <a className="button" href="#/access">
          Compare in Access
        </a>
      </div>
      <p className="small muted">
        A denied call shows in <a href="#/requests?denied=1">Requests</a>, with a link to the rule
        that denied it. Run <code>gatehouse init</code> (or start with <code>-f</code>) for a config
        of your own; this demo then goes away.
      </p>
    </section>
  );
}
