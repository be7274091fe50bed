import { stat } from "node:fs/promises";
import type {
  ClientInstallation,
  ClientInstallResult,
  McpClientId,
  TokenCheck,
  TokenInspection,
} from "../../../shared/ui-api";
import { ClientConfigError } from "./client-config-error";
import {
  readClientConfig,
  serverEntry,
  withServerEntry,
  writeClientConfig,
} from "./client-config-file";
import { clientConfigPath, MCP_CLIENTS, type ClientPlace } from "./mcp-clients";

export interface InstallRequest {
  client: McpClientId;
  place: ClientPlace;
  /** The project folder for the client's project file; null for its user-wide file. */
  project: string | null;
  /** Only say what would be written. */
  dryRun: boolean;
  /** The gateway's URL the entry points at. */
  endpoint: string;
  /** The token the entry sends, if it connects as an identity. */
  minted?: { token: string; expiresAt: string };
}

/**
 * Writes Gatehouse's entry into a client's own config file, keeping everything else in it and
 * a backup of what was there; with `dryRun`, only says what the file would be.
 */
export async function installClient(request: InstallRequest): Promise<ClientInstallResult> {
  const client = MCP_CLIENTS[request.client];
  const file = clientConfigPath(client, request.place, request.project);
  // The client's folder inside it is made when missing; the project itself must be there.
  if (request.project !== null && !(await isFolder(request.project))) {
    throw new ClientConfigError(`the project folder ${request.project} does not exist`);
  }
  const config = await readClientConfig(file);
  const authorization = request.minted && `Bearer ${request.minted.token}`;
  const text = withServerEntry(config, client, client.entry(request.endpoint, authorization));
  // A project's file is often committed, and then its token is everyone's.
  const warnings =
    authorization && request.project !== null
      ? [`${file} holds a bearer token: keep it out of version control`]
      : [];
  const result: ClientInstallResult = {
    client: client.id,
    name: client.name,
    file,
    text,
    written: false,
    warnings,
    ...(request.minted && { expiresAt: request.minted.expiresAt }),
  };
  if (request.dryRun) return result;
  const backup = await writeClientConfig(config, text, authorization !== undefined);
  return { ...result, written: true, ...(backup && { backup }) };
}

/**
 * Which clients are set up: for each client's file (its project file when a project is given,
 * for the clients that read one), whether it has Gatehouse's entry, where that points, and what
 * `check` says of its token. A file that cannot be read is reported, not thrown.
 */
export async function clientInstallations(
  place: ClientPlace,
  project: string | null,
  check: (token: string) => Promise<TokenCheck>,
): Promise<ClientInstallation[]> {
  const clients = Object.values(MCP_CLIENTS).filter(
    (client) => project === null || client.projectFile,
  );
  return Promise.all(
    clients.map(async (client): Promise<ClientInstallation> => {
      const file = clientConfigPath(client, place, project);
      const found = { client: client.id, name: client.name, file };
      try {
        const entry = serverEntry(await readClientConfig(file), client);
        if (!entry) return { ...found, installed: false };
        const { url, authorization } = client.target(entry);
        const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
        return {
          ...found,
          installed: true,
          ...(url && { url }),
          ...(token && { token: await check(token) }),
        };
      } catch (error) {
        if (!(error instanceof ClientConfigError)) throw error;
        return { ...found, installed: false, problem: error.message };
      }
    }),
  );
}

/**
 * A token inspection in one verdict: accepted when every route that asks for a token takes it,
 * refused (with the first route's reason) when one does not.
 */
export function tokenCheck(inspection: TokenInspection): TokenCheck {
  const { claims } = inspection;
  const about: Omit<TokenCheck, "verdict"> = {
    ...(typeof claims?.sub === "string" && { subject: claims.sub }),
    ...(typeof claims?.exp === "number" && {
      expiresAt: new Date(claims.exp * 1000).toISOString(),
    }),
  };
  if (inspection.malformed) {
    return { verdict: "refused", reason: `not a JWT: ${inspection.malformed}`, ...about };
  }
  const refused = inspection.verdicts.find((verdict) => !verdict.accepted);
  if (refused) {
    return { verdict: "refused", reason: `${refused.route}: ${refused.reason}`, ...about };
  }
  if (inspection.verdicts.length === 0) {
    return { verdict: "unchecked", reason: "no route of the config asks for a token", ...about };
  }
  return { verdict: "accepted", ...about };
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
