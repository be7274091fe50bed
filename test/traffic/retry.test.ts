import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RouteSpec, TargetSpec } from "../../src/main/config/model";
import type { RoutePolicies } from "../../src/main/config/schema";
import { connect, route, startGateway, textOf, type TestGateway } from "../relay/harness";
import { startRecordingTarget, type RecordingTarget } from "./recording-target";

/** `retry` in front of a real HTTP MCP target that fails the next requests on demand. */
describe("retry", () => {
  let target: RecordingTarget;
  let gw: TestGateway;
  let client: Client;
  let plain: Client;

  beforeAll(async () => {
    target = await startRecordingTarget();
    const targets: TargetSpec[] = [{ kind: "mcp", name: "rec", url: target.url }];
    const routeAt = (name: string, policies: RoutePolicies): RouteSpec =>
      route(
        { targets },
        {
          name,
          paths: [{ kind: "prefix", value: `/${name}` }],
          policiesPath: ["test", name, "policies"],
          policies,
        },
      );
    gw = await startGateway([
      routeAt("retried", { retry: { attempts: 3, backoff: "50ms", codes: [429, 503] } }),
      routeAt("plain", {}),
    ]);
    client = await connect(gw.url.replace("/mcp", "/retried/mcp"));
    plain = await connect(gw.url.replace("/mcp", "/plain/mcp"));
  });
  afterAll(async () => {
    await client?.close();
    await plain?.close();
    await gw?.close();
    await target?.close();
  });

  const echoes = () => target.calls("tools/call").filter((r) => r.rpc?.params?.name === "echo");
  const echo = (via: Client, text: string) =>
    via.callTool({ name: "echo", arguments: { text } }).then(textOf);

  it("a target that answers 503 once is asked again, and the call succeeds", async () => {
    const before = echoes().length;
    target.failNext(1, 503);
    expect(await echo(client, "second time lucky")).toBe("second time lucky");
    const attempts = echoes().slice(before);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.headers["x-retry-attempt"]).toBeUndefined();
    expect(attempts[1]?.headers["x-retry-attempt"]).toBe("1");
    // The same request twice: the body was replayed as it was.
    expect(attempts[1]?.rpc).toEqual(attempts[0]?.rpc);
  });

  it("a connection closed before any answer is retried too", async () => {
    const before = echoes().length;
    target.failNext(1, "reset");
    expect(await echo(client, "after a reset")).toBe("after a reset");
    expect(echoes().length - before).toBe(2);
  });

  it("attempts counts the first: three in all, then the target's failure reaches the client", async () => {
    const before = echoes().length;
    target.failNext(5, 503);
    const error = (await echo(client, "never").catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("Error POSTing to endpoint: try again");
    expect(echoes().length - before).toBe(3);
    target.failNext(0, 503);
  });

  it("a status not in codes is not retried, and a route without retry asks once", async () => {
    let before = echoes().length;
    target.failNext(1, 500);
    await expect(echo(client, "no")).rejects.toThrow();
    expect(echoes().length - before).toBe(1);
    before = echoes().length;
    target.failNext(1, 503);
    await expect(echo(plain, "no")).rejects.toThrow();
    expect(echoes().length - before).toBe(1);
  });
});
