import type { ToolPinsOfTarget } from "../../../shared/ui-api";
import { createGatehouse } from "../../app/gatehouse";
import { PinsError } from "../../app/tool-pins/pins-file";
import type { Options } from "../options";
import { print, printJson, table } from "../output";
import { UsageError } from "../usage";

/**
 * `gatehouse pins list|approve|reject|reset`: the pinned tool definitions in the data folder.
 * A running gateway watches the file, so a decision holds from its next session on.
 */
export async function pins(
  action: string | undefined,
  args: string[],
  options: Options,
): Promise<number> {
  // The same API as the app's panel of changed tools; nothing is served.
  const { api } = createGatehouse();
  const [target, tool, extra] = args;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  try {
    switch (action) {
      case "list": {
        if (target !== undefined) throw new UsageError(`unexpected argument "${target}"`);
        const all = await api.listToolPins();
        return options.json ? printJson(all) : print(describe(all));
      }
      case "approve":
      case "reject": {
        if (!target || !tool) {
          throw new UsageError(
            `pins ${action} needs a target and a tool, e.g. pins ${action} files read`,
          );
        }
        const decide = action === "approve" ? api.approveToolChange : api.rejectToolChange;
        await decide.call(api, target, tool);
        return print(
          action === "approve"
            ? `approved: tool ${tool} of ${target} is pinned as it is now, and listed again`
            : `rejected: tool ${tool} of ${target} keeps its old pin, and stays hidden while it differs`,
        );
      }
      case "reset": {
        if (!target || tool !== undefined) throw new UsageError("pins reset needs one target");
        await api.resetToolPins(target);
        return print(`reset: the tools of ${target} are pinned anew when next listed`);
      }
      default:
        throw new UsageError("pins needs one of: list, approve, reject, reset");
    }
  } catch (error) {
    // Not found, ambiguous or unreadable: said plainly, as with keys and identities.
    if (error instanceof PinsError) return print(`gatehouse: ${error.message}`, 1, process.stderr);
    throw error;
  }
}

function describe(all: ToolPinsOfTarget[]): string {
  if (all.length === 0) {
    return "No tools pinned yet: each target's tools are pinned when a session first lists them.";
  }
  const rows = all.map((t) => [
    `${t.route}/${t.target}`,
    String(t.tools),
    t.pending.map((change) => change.tool).join(", ") || "-",
    t.identity,
  ]);
  const changes = all.flatMap((t) =>
    t.pending.map(
      (change) =>
        `\n${t.target} ${change.tool}: changed (seen ${change.seenAt}); ` +
        `gatehouse pins approve|reject ${t.target} ${change.tool}\n${change.diff}`,
    ),
  );
  return [table(["TARGET", "PINNED", "CHANGED", "IDENTITY"], rows), ...changes].join("\n");
}
