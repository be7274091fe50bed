import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { connect, killAll, portInUse, serving, start, textOf } from "./helpers";

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await killAll();
});

describe("gatehouse without -f", () => {
  it("serves the embedded default config: the demo server on port 3000", async (context) => {
    if (await portInUse(3000)) {
      context.skip("port 3000 is taken on this machine; the default config needs it");
    }
    const gateway = start([]);
    await serving(gateway, 3000);
    expect(gateway.stderr).toContain("is serving the embedded default config");

    client = await connect(3000);
    const result = await client.callTool({ name: "get-sum", arguments: { a: 2, b: 40 } });
    expect(textOf(result)).toBe("The sum of 2 and 40 is 42.");
  });
});
