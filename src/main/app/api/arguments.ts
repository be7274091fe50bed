import { isAbsolute } from "node:path";
import { z } from "zod";
import { KUBERNETES_IMPORT_LIMITS, MCP_CLIENT_IDS, type UiMethod } from "../../../shared/ui-api";

// Bounds on what a caller may send: generous for real use, small enough that a hostile page or
// a confused renderer cannot make main hold megabytes per call.
const KIB = 1024;
const name = z.string().min(1).max(200);
const kid = z.string().min(1).max(200);
const label = z.string().max(200).nullable();
const token = z
  .string()
  .min(1)
  .max(16 * KIB);
const configText = z.string().max(KIB * KIB);
const keyMaterial = z
  .string()
  .min(1)
  .max(64 * KIB);
const ttl = z.string().min(1).max(20);
const sessionId = z.string().min(1).max(200);
const jsonObject = z.record(z.string().max(KIB), z.unknown());
const audience = z.union([z.string().max(2 * KIB), z.array(z.string().max(2 * KIB)).max(50)]);

const identity = z.strictObject({
  name,
  claims: jsonObject,
  issuer: z
    .string()
    .max(2 * KIB)
    .optional(),
  audience: audience.optional(),
});

const { files: MAX_FILES, megabytesPerFile } = KUBERNETES_IMPORT_LIMITS;
const resourceFile = z
  .strictObject({ name: z.string().min(1).max(500), text: z.string() })
  .superRefine((file, ctx) => {
    if (file.text.length <= megabytesPerFile * KIB * KIB) return;
    const message = `${JSON.stringify(file.name)} is larger than ${megabytesPerFile} MB, the most one resource file may be`;
    ctx.addIssue({ code: "custom", path: ["text"], message });
  });
const resourceFiles = z
  .array(resourceFile)
  .min(1, "give at least one resource file")
  .max(MAX_FILES, `at most ${MAX_FILES} resource files can be imported at once`);
const port = z
  .number()
  .int()
  .min(1, "a port is a number from 1 to 65535")
  .max(65535, "a port is a number from 1 to 65535");

/** Kubernetes names a namespace (and, here, the Gateway) with an RFC 1123 DNS label. */
const dnsLabel = (what: string) =>
  z
    .string()
    .regex(
      /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      `${what} must be a DNS-1123 label: 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit`,
    );

/** A project folder for a client's project file: absolute, since main's working folder is not the UI's. */
const projectFolder = z
  .string()
  .min(1)
  .max(4 * KIB)
  .refine(isAbsolute, "the project folder is an absolute path");

/** A target as `gatehouse pins` names it (name or route/name), and one of its tools. */
const pinnedTarget = z.string().min(1).max(600);
const toolName = z.string().min(1).max(256);

const caller = z.union([
  z.strictObject({ identity: name }),
  z.strictObject({ token }),
  z.strictObject({ anonymous: z.literal(true) }),
]);

/**
 * The argument list each UI method accepts, checked in main before the call reaches the app.
 * Typed over every UiMethod, so a method added to the contract without a schema does not compile.
 */
export const UI_ARGUMENTS: Record<UiMethod, z.ZodTuple> = {
  status: z.tuple([]),
  setPaused: z.tuple([z.boolean()]),

  readConfig: z.tuple([]),
  checkConfig: z.tuple([configText]),
  applyConfig: z.tuple([configText]),

  listKeys: z.tuple([]),
  createKey: z.tuple([
    z.enum(["RS256", "ES256", "EdDSA"]),
    z.union([z.literal(2048), z.literal(3072)]).nullable(),
    label,
  ]),
  importKey: z.tuple([keyMaterial, label]),
  exportJwks: z.tuple([]),
  retireKey: z.tuple([kid]),
  deleteKey: z.tuple([kid]),

  listIdentities: z.tuple([]),
  saveIdentity: z.tuple([identity]),
  removeIdentity: z.tuple([name]),

  mintToken: z.tuple([name.nullable(), jsonObject.nullable(), ttl]),
  inspectToken: z.tuple([token]),

  recentRequests: z.tuple([z.number().int().min(1).max(10_000)]),

  connectPlayground: z.tuple([caller]),
  callTool: z.tuple([sessionId, z.string().min(1).max(500), jsonObject]),
  previewToolCall: z.tuple([sessionId, z.string().min(1).max(500), jsonObject]),
  disconnectPlayground: z.tuple([sessionId]),

  accessMatrix: z.tuple([]),
  clientSetup: z.tuple([name.nullable()]),
  installClient: z.tuple([
    z.enum(MCP_CLIENT_IDS),
    name.nullable(),
    z.strictObject({ project: projectFolder.nullable(), dryRun: z.boolean() }),
  ]),
  clientInstallations: z.tuple([projectFolder.nullable()]),

  listToolPins: z.tuple([]),
  approveToolChange: z.tuple([pinnedTarget, toolName]),
  rejectToolChange: z.tuple([pinnedTarget, toolName]),
  resetToolPins: z.tuple([pinnedTarget]),

  importKubernetes: z.tuple([resourceFiles, port.nullable()]),
  exportKubernetes: z.tuple([
    dnsLabel("the namespace").nullable(),
    dnsLabel("the gateway name").nullable(),
  ]),
};
