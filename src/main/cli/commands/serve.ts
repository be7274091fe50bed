import { fileURLToPath } from "node:url";
import { version } from "../../../../package.json";
import { startAdminServer, type AdminServer } from "../../admin/admin-server";
import { resolveConfigPath } from "../../app/initial-config";
import { LocalIssuer } from "../../app/local-issuer";
import { GatehouseService } from "../../app/service";
import { UiBackend } from "../../app/api/ui-backend";
import { createDispatcher } from "../../app/api/dispatch";
import { ConfigError } from "../../config/problems";
import { killProcessGroup } from "../../gateway/relay/stdio-transport";
import { dataDir } from "../../keystore/data-dir";
import { Keystore } from "../../keystore/keystore";
import { openSecretStore } from "../../keystore/open-secret-store";
import { configEnv } from "../config-env";
import { printEvents, type LogFormat } from "../log-printer";
import { print } from "../output";
import { listProblems } from "./check";

export async function serve(
  file: string | undefined,
  format: LogFormat,
  adminPort: number,
): Promise<number> {
  const dir = dataDir();
  const configPath = resolveConfigPath(file, dir);
  const service = new GatehouseService({
    configPath,
    env: configEnv(),
  });
  const source = configPath ?? "the embedded default config";
  const stopPrinting = printEvents(service.bus, process.stdout, format);
  try {
    await service.start();
  } catch (error) {
    stopPrinting();
    const message =
      error instanceof ConfigError
        ? listProblems(source, error)
        : `gatehouse: ${(error as Error).message}`;
    return print(message, 1, process.stderr);
  }
  const backend = new UiBackend({ service, issuer: () => LocalIssuer.open(), dataDir: dir });
  await backend.start();
  const admin = await startAdmin(adminPort, dir, service, backend);

  const endpoints = service.gateway.urls.map(
    (url) => `  ${url.replace("127.0.0.1", "localhost")}/mcp`,
  );
  const keys = admin ? `\nPublic keys (JWKS): ${admin.url}/.well-known/jwks.json` : "";
  const ui = admin?.uiLink ? `\nAdmin UI: ${admin.uiLink}` : "";
  process.stderr.write(
    `Gatehouse ${version} is serving ${source}. MCP clients connect to:\n${endpoints.join("\n")}${keys}${ui}\n`,
  );

  // No orphans: if the process exits without a clean stop, its stdio targets go with it, and
  // so does whatever they started (each leads its process group).
  process.on("exit", () => {
    for (const pid of service.gateway.targetPids()) killProcessGroup(pid, "SIGTERM");
  });
  onStopSignal(async () => {
    await admin?.close();
    await backend.close();
    await service.stop();
    stopPrinting();
    process.exit(0);
  });
  return -1;
}

/** The admin server is a convenience: if its port is taken, the gateway serves without it. */
async function startAdmin(
  port: number,
  dir: string,
  service: GatehouseService,
  backend: UiBackend,
): Promise<AdminServer | undefined> {
  try {
    const keystore = await Keystore.open({ dataDir: dir, secrets: openSecretStore() });
    return await startAdminServer({
      port,
      jwksPath: keystore.jwksPath,
      ui: {
        dispatch: createDispatcher(backend),
        subscribe: (listener) => backend.subscribe(listener),
        // The CLI runs from out/main/cli.js; the renderer is built beside it.
        rendererDir: fileURLToPath(new URL("../renderer", import.meta.url)),
      },
    });
  } catch (error) {
    service.bus.notice("warn", `${(error as Error).message}; serving without it`);
    return undefined;
  }
}

/**
 * Runs `stop` on the first SIGINT, SIGTERM or SIGHUP. Under `npm start`, Ctrl-C arrives twice
 * (the terminal signals the whole process group and the launcher forwards its own copy), so a
 * repeat within a moment is the same request and must not cut the clean stop short; a later
 * one means "stop now" and exits at once, the exit handler still killing the stdio targets.
 */
function onStopSignal(stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handle = () => {
    if (stoppingSince === undefined) {
      stoppingSince = Date.now();
      void stop();
    } else if (Date.now() - stoppingSince > 1000) {
      process.exit(1);
    }
  };
  process.on("SIGINT", handle).on("SIGTERM", handle).on("SIGHUP", handle);
}
