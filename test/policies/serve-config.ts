import type { GatewayConfig, TargetSpec } from "../../src/main/config/model";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";

export interface ServedConfig {
  /** The MCP endpoint of the first listener. */
  url: string;
  requests: () => RequestEvent[];
  close: () => Promise<void>;
}

/**
 * Serves a config as loaded from YAML (a documented example, say), on free loopback ports and
 * with `targets` in place of every route's own, so that it runs here without downloads.
 */
export async function serveConfig(
  config: GatewayConfig,
  targets: TargetSpec[],
): Promise<ServedConfig> {
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
  await gateway.apply({
    ...config,
    listeners: config.listeners.map((listener) => ({
      ...listener,
      address: "127.0.0.1",
      port: 0,
      routes: listener.routes.map((route) => ({
        ...route,
        backend: { ...route.backend, targets },
      })),
    })),
  });
  return {
    url: `${gateway.urls[0]}/mcp`,
    requests: () => events.filter((e): e is RequestEvent => e.kind === "request"),
    close: () => gateway.close(),
  };
}
