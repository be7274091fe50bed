import { z } from "zod";
import { definePolicy } from "./policy";

const requestMirrorSchema = z
  .strictObject({
    backend: z
      .record(z.string(), z.unknown())
      .describe("agentgateway's backend reference (host, service or backend)."),
    percentage: z.number().min(0).max(1).describe("The share of requests to mirror, 0 to 1."),
  })
  .describe("Not in front of MCP: see the load error.");

/**
 * `requestMirror` is refused, with the reason, rather than accepted and ignored. Mirroring an MCP
 * session to a second backend runs every tool call twice, with its side effects twice: a file
 * written, a message sent, a ticket filed. And agentgateway's own mirror sends a copy without its
 * body (its source says so: the body is not mirrored yet), which no MCP server can answer; the
 * copy would carry the client's credentials and a session id the mirror never issued besides.
 */
export const requestMirror = definePolicy({
  key: "requestMirror",
  schema: requestMirrorSchema,
  attachments: ["route"],
  compile(_config, path, ctx) {
    ctx.problem(
      path,
      "requestMirror is not supported in front of MCP: a mirror of an MCP session runs every tool call a second time, side effects included (files written, messages sent), and agentgateway's mirror copies requests without their body, which no MCP server can answer",
    );
    return undefined;
  },
});
