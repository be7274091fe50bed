import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_MESSAGE_BYTES } from "../../src/main/gateway/relay/jsonrpc";
import {
  connect,
  fixture,
  isRunning,
  route,
  startGateway,
  stdioTarget,
  textOf,
  type TestGateway,
} from "../relay/harness";

// Issue 8, case 7: a stdio target's answers may be as large as a client's messages may be, and
// one beyond that limit fails its own call with a sentence naming the limit, not the target.

const MiB = 1024 * 1024;

let gw: TestGateway;
let client: Client;
beforeAll(async () => {
  const target = stdioTarget("rec", process.execPath, [fixture("recording-server.mjs")]);
  gw = await startGateway([route({ targets: [target] })]);
  client = await connect(gw.url);
});
afterAll(async () => {
  await client?.close();
  await gw?.close();
});

describe("large answers from a stdio target", () => {
  it("an answer of 12 MiB reaches the client whole", async () => {
    const result = await client.callTool({ name: "big", arguments: { bytes: 12 * MiB } });
    expect(textOf(result).length).toBe(12 * MiB);
  });

  it.each([
    ["before", false],
    ["after", true],
  ])(
    "an answer beyond the limit, its id %s the result, fails its call with the limit named; the target lives on",
    async (_where, idLast) => {
      const [pid] = gw.gateway.sessions.pids();
      await expect(
        client.callTool({ name: "big", arguments: { bytes: MAX_MESSAGE_BYTES + 1, idLast } }),
      ).rejects.toThrow(
        'target "rec" answered with a message larger than 16 MiB, the gateway\'s limit for one message',
      );

      const echoed = await client.callTool({ name: "echo", arguments: { still: "here" } });
      expect(textOf(echoed)).toBe('{"still":"here"}');
      expect(gw.gateway.sessions.pids()).toEqual([pid]);
      expect(isRunning(pid as number)).toBe(true);
    },
  );
});
