import { describe, expect, it } from "vitest";
import { problemsOf } from "./expect-problems";

/** A route on the gateway `default` whose parts a test fills in. */
const withRoute = (route: string) => `gateways:
  default:
    port: 3000
routes:
${route}`;

const TARGETS = `targets:
            - name: time
              stdio: {cmd: uvx}`;

describe("agentgateway keys Gatehouse does not take: named as such, with the reason", () => {
  it("refuses agentgateway's top-level sections it has no use for", () => {
    const yaml = `llm:
  models: []
ui:
  gateways: default
workloads: []
routeGroups: []
tcpRoutes: []
mcp:
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:1:1: llm: agentgateway feature "llm" is not supported by Gatehouse: Gatehouse relays MCP traffic, not LLM APIs',
      'config.yaml:3:1: ui: agentgateway feature "ui" is not supported by Gatehouse: Gatehouse serves its own UI on its admin port',
      'config.yaml:5:1: workloads: agentgateway feature "workloads" is not supported by Gatehouse: Gatehouse runs standalone, outside a mesh or control plane',
      'config.yaml:6:1: routeGroups: agentgateway feature "routeGroups" is not supported by Gatehouse: not implemented yet',
      'config.yaml:7:1: tcpRoutes: agentgateway feature "tcpRoutes" is not supported by Gatehouse: Gatehouse serves HTTP(S) MCP traffic only',
    ]);
  });

  it("refuses TCP and TLS gateways and listeners, saying Gatehouse serves HTTP(S) only", () => {
    const yaml = `gateways:
  db:
    port: 5432
    protocol: TCP
  passthrough:
    port: 8443
    listeners:
      - protocol: TLS
binds:
  - port: 3000
    listeners:
      - protocol: HBONE
        routes: []
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:4:15: gateways.db.protocol: agentgateway feature "protocol: TCP" is not supported by Gatehouse: Gatehouse serves HTTP(S) MCP traffic only',
      'config.yaml:8:19: gateways.passthrough.listeners[0].protocol: agentgateway feature "protocol: TLS" is not supported by Gatehouse: Gatehouse serves HTTP(S) MCP traffic only',
      'config.yaml:12:19: binds[0].listeners[0].protocol: agentgateway feature "protocol: HBONE" is not supported by Gatehouse: Gatehouse serves HTTP(S) MCP traffic only',
    ]);
  });

  it("refuses backends that are not MCP, naming them", () => {
    const yaml = withRoute(`  - backends:
      - host: localhost:8000
  - backends:
      - ai:
          provider: {openAI: {}}
backends:
  - name: bedrock
    aws: {}
`);
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:6:9: routes[0].backends[0].host: agentgateway feature "host" is not supported by Gatehouse: a Gatehouse route forwards to an MCP backend only (`mcp:`, or `backend:` naming an MCP backend)',
      'config.yaml:8:9: routes[1].backends[0].ai: agentgateway feature "ai" is not supported by Gatehouse: Gatehouse relays MCP traffic, not LLM APIs',
      'config.yaml:12:5: backends[0].aws: agentgateway feature "aws" is not supported by Gatehouse: a Gatehouse route forwards to an MCP backend only (`mcp:`, or `backend:` naming an MCP backend)',
    ]);
  });

  it("refuses the policies it does not have, at the route, the backend and the target", () => {
    const yaml = withRoute(`  - policies:
      a2a: {}
      ai: {}
    backends:
      - policies:
          health: {}
          inferenceRouting: {}
          sessionAffinity: {}
        mcp:
          targets:
            - name: remote
              mcp: {host: "http://localhost:8081/mcp"}
              policies:
                backendTunnel: {}
`);
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:6:7: routes[0].policies.a2a: agentgateway feature "a2a" is not supported by Gatehouse: Gatehouse relays MCP traffic, not A2A',
      'config.yaml:7:7: routes[0].policies.ai: agentgateway feature "ai" is not supported by Gatehouse: Gatehouse relays MCP traffic, not LLM APIs',
      'config.yaml:10:11: routes[0].backends[0].policies.health: agentgateway feature "health" is not supported by Gatehouse: a Gatehouse backend is its MCP targets, whose failures `failureMode` handles',
      'config.yaml:11:11: routes[0].backends[0].policies.inferenceRouting: agentgateway feature "inferenceRouting" is not supported by Gatehouse: Gatehouse relays MCP traffic, not LLM APIs',
      'config.yaml:12:11: routes[0].backends[0].policies.sessionAffinity: agentgateway feature "sessionAffinity" is not supported by Gatehouse: an MCP session stays with the targets it opened, so there is nothing to pin',
      'config.yaml:18:17: routes[0].backends[0].mcp.targets[0].policies.backendTunnel: agentgateway feature "backendTunnel" is not supported by Gatehouse: Gatehouse runs standalone, outside a mesh or control plane',
    ]);
  });

  it("refuses route matches on headers, methods and queries", () => {
    const yaml = withRoute(`  - matches:
      - path: {pathPrefix: /mcp}
        method: POST
    backends:
      - mcp:
          ${TARGETS}
`);
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:7:9: routes[0].matches[0].method: agentgateway feature "method" is not supported by Gatehouse: Gatehouse picks a route by host name and path only',
    ]);
  });

  it("still calls a key agentgateway does not have either unknown, with the keys allowed there", () => {
    const yaml = withRoute(`  - backends:
      - mcp:
          ${TARGETS}
    polices: {}
`);
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:10:5: routes[0].polices: unknown key "polices" (allowed here: gateways, name, ruleName, hostnames, matches, policies, backends)',
    ]);
  });
});
