import { z } from "zod";
import { port } from "../../config/schema-parts";

/** A host name or IP literal, without a port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;
const AUTHORITY = new RegExp(`${HOST.source.slice(0, -1)}(?::\\d{1,5})?$`);

const host = z
  .string()
  .regex(HOST, { error: "expected a host name or IP address, without a port" });
const authority = z.string().regex(AUTHORITY, { error: 'expected "host" or "host:port"' });
const path = z
  .string()
  .regex(/^(?:\/[^\s?#]*)?$/, { error: 'expected a path that starts with "/"' });

/** agentgateway's HostRedirect: how a redirect or rewrite changes the authority. */
export const authoritySchema = z
  .union(
    [
      z.strictObject({ full: authority }).describe("Replace the host and port."),
      z.strictObject({ host }).describe("Replace the host only."),
      z.strictObject({ port }).describe("Replace the port only."),
      z.literal("auto").describe("The backend's own host."),
      z.literal("none").describe("Leave the authority as it is."),
    ],
    { error: 'authority is {full: "host:port"}, {host: "name"}, {port: 8443}, "auto" or "none"' },
  )
  .describe("How the authority (host and port) changes.");

export type AuthorityChange = z.infer<typeof authoritySchema>;

/** agentgateway's PathRedirect: how a redirect or rewrite changes the path. */
export const pathSchema = z
  .union(
    [
      z.strictObject({ full: path }).describe("Replace the whole path."),
      z.strictObject({ prefix: path }).describe("Replace the part the route's prefix matched."),
    ],
    { error: 'path is {full: "/path"} or {prefix: "/path"}' },
  )
  .describe("How the path changes; the query stays.");

export type PathChange = z.infer<typeof pathSchema>;
