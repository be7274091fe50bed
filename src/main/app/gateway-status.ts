import type { TargetSpec } from "../config/model";
import type { DemoStatus, GatewayStatus, TargetStatus } from "../../shared/ui-api";
import type { GatehouseService } from "./service";
import { listenerUrl, routeEndpoint } from "./endpoints";
import type { TargetStates } from "./target-states";

/** The gateway as the status page shows it: the loaded config, with what has been seen live. */
export function gatewayStatus(
  service: GatehouseService,
  targets: TargetStates,
  counts: GatewayStatus["counts"],
  demo?: DemoStatus,
): GatewayStatus {
  const { gateway, config } = service;
  return {
    version: service.version,
    paused: gateway.paused,
    configSource: config?.file ?? "(not loaded)",
    listeners: (config?.gateway.listeners ?? []).map((listener) => ({
      name: listener.name,
      url: listenerUrl(gateway, listener, true),
      routes: listener.routes.map((route) => ({
        name: route.name,
        endpoint: routeEndpoint(gateway, listener, route, true),
        policies: Object.keys(route.policies),
        targets: route.backend.targets.map((target): TargetStatus => ({
          name: target.name,
          kind: target.kind,
          detail: targetDetail(target),
          ...targets.of(target.name),
        })),
      })),
    })),
    sessions: gateway.sessions.size,
    counts: { ...counts },
    ...(demo && { demo }),
  };
}

function targetDetail(target: TargetSpec): string {
  return target.kind === "stdio" ? [target.cmd, ...target.args].join(" ") : target.url;
}
