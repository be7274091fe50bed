import { fileURLToPath } from "node:url";
import { version } from "../../../../package.json";
import { startAdminServer, type AdminServer } from "../../admin/admin-server";
import { createGatehouse, type Gatehouse } from "../../app/gatehouse";
import { ConfigError } from "../../config/problems";
import { configEnv } from "../config-env";
import { printEvents, type LogFormat } from "../log-printer";
import { print } from "../output";
import { listProblems } from "./check";

export async function serve(
  file: string | undefined,
  format: LogFormat,
  adminPort: number,
): Promise<number> {
  const gatehouse = createGatehouse({ configPath: file, env: configEnv() });
  const stopPrinting = printEvents(gatehouse.bus, process.stdout, format);
  try {
    await gatehouse.start();
  } catch (error) {
    stopPrinting();
    const message =
      error instanceof ConfigError
        ? listProblems(gatehouse.source, error)
        : `gatehouse: ${(error as Error).message}`;
    return print(message, 1, process.stderr);
  }
  const admin = await startAdmin(adminPort, gatehouse);

  const endpoints = gatehouse.urls().map((url) => `  ${url.replace("127.0.0.1", "localhost")}/mcp`);
  const keys = admin ? `\nPublic keys (JWKS): ${admin.url}/.well-known/jwks.json` : "";
  const ui = admin?.uiLink ? `\nAdmin UI: ${admin.uiLink}` : "";
  process.stderr.write(
    `Gatehouse ${version} is serving ${gatehouse.source}. MCP clients connect to:\n${endpoints.join("\n")}${keys}${ui}\n${demoLines(gatehouse)}`,
  );
  onStopSignal(async () => {
    await admin?.close();
    await gatehouse.stop();
    stopPrinting();
    process.exit(0);
  });
  return -1;
}

/** What the embedded default's demo offers, and where its key is when that is only memory. */
function demoLines(gatehouse: Gatehouse): string {
  const demo = gatehouse.demo()?.status;
  if (!demo) return "";
  const who = demo.identities.map(({ name, may }) => `${name} may use ${may}`).join("; ");
  const notice = demo.keyNotice ? `\n${demo.keyNotice}` : "";
  return `Demo: without a token only echo is open; ${who}. Connect as each in the Admin UI's Overview.${notice}\n`;
}

/** The admin server is a convenience: if its port is taken, the gateway serves without it. */
async function startAdmin(port: number, gatehouse: Gatehouse): Promise<AdminServer | undefined> {
  try {
    return await startAdminServer({
      port,
      jwksPath: gatehouse.jwksPath,
      ui: {
        dispatch: gatehouse.dispatch,
        subscribe: gatehouse.subscribe,
        // The CLI runs from out/main/cli.js; the renderer is built beside it.
        rendererDir: fileURLToPath(new URL("../renderer", import.meta.url)),
      },
    });
  } catch (error) {
    gatehouse.bus.notice("warn", `${(error as Error).message}; serving without it`);
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
