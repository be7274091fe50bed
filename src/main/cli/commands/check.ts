import { checkConfigFile } from "../../app/service";
import { ConfigError, formatProblem } from "../../config/problems";
import { configEnv } from "../config-env";
import { print } from "../output";

export async function check(file: string): Promise<number> {
  try {
    // What compiling tells a serving gateway's log above info (keys a JWKS skips, a JWKS URL
    // that cannot be fetched), check reports as warnings: no gateway is there to log it.
    const notices: string[] = [];
    const { loaded, warnings } = await checkConfigFile(file, {
      env: configEnv(),
      notice: (level, message) => {
        if (level !== "info") notices.push(message);
      },
    });
    const { listeners } = loaded.gateway;
    const routes = listeners.reduce((n, listener) => n + listener.routes.length, 0);
    const warned = [
      ...warnings.map(formatProblem),
      ...notices.map((message) => `${file}: ${message}`),
    ]
      .map((warning) => `${warning} (warning)\n`)
      .join("");
    return print(`${warned}${file}: valid (${listeners.length} listener(s), ${routes} route(s))`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return print(listProblems(file, error), 1, process.stderr);
  }
}

/** One problem per line, each starting with file:line:col as editors' problem matchers expect. */
export function listProblems(source: string, error: ConfigError): string {
  const count = error.problems.length;
  return `${error.message}\n${source}: ${count} problem${count === 1 ? "" : "s"}`;
}
