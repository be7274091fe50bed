import { UI_METHODS } from "../../../shared/ui-api";
import type { UiApi, UiClient, UiEvent } from "../../../shared/ui-api";
import type { DispatchResult, GatehouseBridge } from "../../../shared/ui-bridge";

/** Thrown when the web UI's admin cookie is missing or stale: only a fresh link fixes that. */
export class SessionExpiredError extends Error {
  constructor() {
    super("session expired: open the link Gatehouse printed at start");
    this.name = "SessionExpiredError";
  }
}

interface Transport {
  call(method: string, args: unknown[]): Promise<DispatchResult>;
  subscribe(listener: (event: UiEvent) => void): () => void;
}

export interface UiClientOptions {
  /** Called once when the web API answers 401, so the app can show what to do about it. */
  onSessionExpired?: () => void;
}

/** Electron's preload bridge when it exists, the admin server's HTTP API otherwise. */
export function createUiClient(options: UiClientOptions = {}): UiClient {
  const transport = window.gatehouse
    ? bridgeTransport(window.gatehouse)
    : httpTransport(() => options.onSessionExpired?.());

  const api = Object.fromEntries(
    UI_METHODS.map((method) => [
      method,
      async (...args: unknown[]) => {
        const result = await transport.call(method, args);
        if (!result.ok) throw new Error(result.error);
        return result.value;
      },
    ]),
  ) as unknown as UiApi;

  return { ...api, subscribe: (listener) => transport.subscribe(listener) };
}

function bridgeTransport(bridge: GatehouseBridge): Transport {
  return {
    call: (method, args) => bridge.call(method, args),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}

function httpTransport(onSessionExpired: () => void): Transport {
  const listeners = new Set<(event: UiEvent) => void>();
  let source: EventSource | undefined;

  // One EventSource for all subscribers, open only while someone listens.
  function openEvents(): void {
    source = new EventSource("/api/events");
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as UiEvent;
      for (const listener of listeners) listener(event);
    };
  }

  return {
    async call(method, args) {
      const response = await fetch("/api/call", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ method, args }),
        credentials: "same-origin",
      });
      if (response.status === 401) {
        onSessionExpired();
        throw new SessionExpiredError();
      }
      if (!response.ok && !response.headers.get("content-type")?.includes("json")) {
        throw new Error(`the admin server answered ${response.status} ${response.statusText}`);
      }
      return (await response.json()) as DispatchResult;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!source) openEvents();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = undefined;
        }
      };
    },
  };
}
