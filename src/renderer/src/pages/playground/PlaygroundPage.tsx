import { useCallback, useEffect, useRef, useState } from "react";
import type { PlaygroundSession, ToolCallOutcome } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Spinner } from "../../components/Spinner";
import { errorMessage, useAsync } from "../../hooks/use-async";
import { callerOf, isCallerComplete } from "./caller-choice";
import type { CallerChoice } from "./caller-choice";
import { CallerPicker } from "./CallerPicker";
import { ToolForm } from "./ToolForm";
import { ToolOutcomeView } from "./ToolOutcomeView";
import "./PlaygroundPage.css";

/** `connectAs`: an identity to connect as at once (the Overview's "Connect as alice"). */
export function PlaygroundPage({ connectAs }: { connectAs?: string }) {
  const client = useUiClient();
  const identities = useAsync(() => client.listIdentities(), [client]);
  const [choice, setChoice] = useState<CallerChoice>({ kind: "identity", identity: "", token: "" });
  const [session, setSession] = useState<PlaygroundSession>();
  const [connecting, setConnecting] = useState(false);
  const [connectError, setConnectError] = useState<string>();
  const [toolName, setToolName] = useState<string>();
  const [calling, setCalling] = useState(false);
  const [outcome, setOutcome] = useState<ToolCallOutcome>();

  // The gateway holds a real MCP session per connect: close it when leaving the page.
  const sessionId = useRef<string>(undefined);
  useEffect(
    () => () => {
      if (sessionId.current) void client.disconnectPlayground(sessionId.current).catch(() => {});
    },
    [client],
  );

  const firstIdentity = identities.data?.[0]?.name;
  const effectiveChoice =
    choice.kind === "identity" && choice.identity === "" && firstIdentity
      ? { ...choice, identity: firstIdentity }
      : choice;

  // Once the identities are known, so that an identity that is gone shows the usual picker.
  const connectedAtOnce = useRef(false);
  useEffect(() => {
    if (connectedAtOnce.current || !connectAs || !identities.data) return;
    connectedAtOnce.current = true;
    if (!identities.data.some((identity) => identity.name === connectAs)) return;
    const asked: CallerChoice = { kind: "identity", identity: connectAs, token: "" };
    setChoice(asked);
    void connect(asked);
    // connect is a plain function of this render; running once is the point.
  }, [connectAs, identities.data]);

  async function connect(caller: CallerChoice = effectiveChoice): Promise<void> {
    setConnecting(true);
    setConnectError(undefined);
    setOutcome(undefined);
    setToolName(undefined);
    try {
      if (sessionId.current) {
        await client.disconnectPlayground(sessionId.current).catch(() => {});
        sessionId.current = undefined;
        setSession(undefined);
      }
      const connected = await client.connectPlayground(callerOf(caller));
      sessionId.current = connected.id;
      setSession(connected);
    } catch (caught) {
      setConnectError(errorMessage(caught));
    } finally {
      setConnecting(false);
    }
  }

  async function call(args: Record<string, unknown>): Promise<void> {
    if (!session || !toolName) return;
    setCalling(true);
    setOutcome(undefined);
    try {
      setOutcome(await client.callTool(session.id, toolName, args));
    } catch (caught) {
      setOutcome({ ok: false, error: errorMessage(caught) });
    } finally {
      setCalling(false);
    }
  }

  const tool = session?.tools.find((each) => each.name === toolName);
  const sessionOpen = session?.id;
  const preview = useCallback(
    (args: Record<string, unknown>) =>
      client.previewToolCall(sessionOpen as string, toolName as string, args),
    [client, sessionOpen, toolName],
  );

  return (
    <div className="page">
      <PageHeader
        title="Playground"
        description="Connect through the gateway as any caller and see exactly what it sees and may call."
      />
      <section className="card card-body stack" aria-label="Caller">
        <CallerPicker
          identities={identities.data ?? []}
          choice={effectiveChoice}
          onChange={setChoice}
        />
        <div className="button-row">
          <button
            type="button"
            className="button button-primary"
            disabled={connecting || !isCallerComplete(effectiveChoice)}
            onClick={() => void connect()}
          >
            {connecting && <Spinner label="Connecting" />}
            Connect
          </button>
          {session && (
            <span className="small muted">
              Connected to <code>{session.endpoint}</code>: {session.tools.length} tool
              {session.tools.length === 1 ? "" : "s"} visible
            </span>
          )}
        </div>
        {connectError && <ErrorNotice message={connectError} />}
      </section>

      {session && (
        <div className="playground-layout">
          <section className="card" aria-label="Tools">
            <div className="card-header">
              <h2>Tools</h2>
              <span className="badge">{session.tools.length}</span>
            </div>
            {session.tools.length === 0 ? (
              <EmptyState title="This caller sees no tools">
                <p>
                  mcpAuthorization hides every tool from it. Check the rules in{" "}
                  <a href="#/access">Access</a>.
                </p>
              </EmptyState>
            ) : (
              <ul className="tool-list pick-list" data-testid="tool-list">
                {session.tools.map((each) => (
                  <li key={each.name}>
                    <button
                      type="button"
                      aria-current={each.name === toolName ? "true" : undefined}
                      onClick={() => {
                        setToolName(each.name);
                        setOutcome(undefined);
                      }}
                    >
                      <span className="mono tool-name">{each.name}</span>
                      {each.description && (
                        <span className="tool-list-description">{each.description}</span>
                      )}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card card-body stack" aria-label="Call a tool">
            {tool ? (
              <>
                <ToolForm
                  key={tool.name}
                  tool={tool}
                  calling={calling}
                  onCall={(args) => void call(args)}
                  preview={preview}
                />
                {outcome && (
                  <div className="stack">
                    <h3>Result</h3>
                    <ToolOutcomeView outcome={outcome} />
                  </div>
                )}
              </>
            ) : (
              <EmptyState title="Select a tool">
                <p>Its arguments become a form here.</p>
              </EmptyState>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
