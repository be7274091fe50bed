import type { PrefixMode, TargetSpec } from "../../src/main/config/model";
import { fixture, MCP_POST_HEADERS, route, startGateway, stdioTarget } from "../relay/harness";
import { startPrefixLens } from "./prefix-lens";
import { runConformance, type ConformanceRunOptions, type ScenarioResult } from "./run-suite";

export interface Setup {
  key: string;
  /** What the set-up is, for a test name and a table heading. */
  title: string;
  /** The suite through a gateway in this set-up, in front of a conformance server. */
  run(conformanceUrl: string, options?: ConformanceRunOptions): Promise<ScenarioResult[]>;
}

/** The conformance server, as the target the suite's names belong to. */
export const conformance = (url: string): TargetSpec => ({ kind: "mcp", name: "conformance", url });

/** A second target that differs: tools only, no prompts, resources or logging. */
export const toolsOnly = (): TargetSpec =>
  stdioTarget("tools", process.execPath, [fixture("recording-server.mjs")]);

/**
 * Runs the suite through a gateway with these targets. With `lens`, it goes through the
 * prefix lens, which adds and checks the prefixes of the target the suite's names belong to.
 */
export async function runThroughGatehouse(
  targets: TargetSpec[],
  prefixMode: PrefixMode,
  options: { lens?: boolean } & ConformanceRunOptions = {},
): Promise<ScenarioResult[]> {
  const gw = await startGateway([route({ targets, prefixMode })]);
  await openBridgeSession(gw.url);
  const others = targets.slice(1).map((target) => target.name);
  const lens = options.lens ? await startPrefixLens(gw.url, "conformance", others) : undefined;
  try {
    const { scenarios, requirements } = options;
    return await runConformance(lens?.url ?? gw.url, { scenarios, requirements });
  } finally {
    await lens?.close();
    await gw.close();
  }
}

/**
 * The suite gives some 2026-07-28 calls a fixed 600 ms (its sep-2575 stream checks, which
 * declare the elicitation capability). The bridge session such a call is lent is opened on
 * demand and starts the route's stdio target first, which a loaded test machine cannot always
 * do in that time. One stateless list declaring the same capability opens that session before
 * the suite runs, as a client's earlier requests would have; every check still runs.
 */
async function openBridgeSession(url: string): Promise<void> {
  const meta = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": { elicitation: {} },
    "io.modelcontextprotocol/clientInfo": { name: "warm-up", version: "1" },
  };
  const response = await fetch(url, {
    method: "POST",
    headers: {
      ...MCP_POST_HEADERS,
      "MCP-Protocol-Version": "2026-07-28",
      "Mcp-Method": "tools/list",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "tools/list", params: { _meta: meta } }),
  });
  if (!response.ok) throw new Error(`the warm-up list failed: HTTP ${response.status}`);
  await response.text();
}

/**
 * The three set-ups, each held to the results of the direct run: for the 2025 revisions, and
 * for 2026-07-28 (`requirements`).
 */
export const SETUPS: readonly Setup[] = [
  {
    key: "a",
    title: "the only target",
    run: (url, options) => runThroughGatehouse([conformance(url)], "conditional", options),
  },
  {
    key: "b",
    title: "beside a tools-only target, prefixMode never",
    run: (url, options) => runThroughGatehouse([conformance(url), toolsOnly()], "never", options),
  },
  {
    key: "c",
    title: "beside a tools-only target, prefixed names (checked by the prefix lens)",
    run: (url, options) =>
      runThroughGatehouse([conformance(url), toolsOnly()], "conditional", {
        ...options,
        lens: true,
      }),
  },
];
