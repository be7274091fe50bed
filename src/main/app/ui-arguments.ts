import { z } from "zod";
import type { UiMethod } from "../../shared/ui-api";

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
  disconnectPlayground: z.tuple([sessionId]),

  accessMatrix: z.tuple([]),
  clientSetup: z.tuple([name.nullable()]),
};
