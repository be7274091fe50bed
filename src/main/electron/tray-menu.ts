import type { GatewayStatus, TargetState } from "../../shared/ui-api";

/** What a tray entry does when clicked; tray.ts maps each to the app. */
export type TrayAction =
  | { action: "copy-token"; identity: string }
  | { action: "open-window" }
  | { action: "open-denials" }
  | { action: "set-paused"; paused: boolean }
  | { action: "quit" };

/**
 * What a click on the icon does where the platform reports one (Windows; some Linux desktops).
 * Linux's AppIndicator and macOS with a menu set never do, so it is also in every menu.
 */
export const TRAY_CLICK_ACTION: TrayAction = { action: "open-window" };

export type TrayItem =
  { type: "separator" } | { type: "normal"; label: string; enabled: boolean; action?: TrayAction };

export interface TrayMenuInput {
  status: GatewayStatus;
  identities: string[];
  windowOpen: boolean;
}

/**
 * The tray menu as plain data, so what it says in each state is testable without Electron:
 * the gateway's state first (read-only lines), then a token per identity, then the actions.
 */
export function trayMenuModel({ status, identities, windowOpen }: TrayMenuInput): TrayItem[] {
  return [
    ...statusLines(status).map((label): TrayItem => ({ type: "normal", label, enabled: false })),
    { type: "separator" },
    ...tokenItems(identities),
    { type: "separator" },
    action(windowOpen ? "Show Gatehouse" : "Open Gatehouse", TRAY_CLICK_ACTION),
    action("Open denial log", { action: "open-denials" }),
    status.paused
      ? action("Resume gateway", { action: "set-paused", paused: false })
      : action("Pause gateway", { action: "set-paused", paused: true }),
    { type: "separator" },
    action("Quit", { action: "quit" }),
  ];
}

function statusLines(status: GatewayStatus): string[] {
  const urls = status.listeners.map((listener) => listener.url).join(", ");
  const lines = [status.paused ? `Paused (${urls})` : `Listening on ${urls || "no address"}`];
  const targets = targetSummary(status);
  if (targets) lines.push(targets);
  lines.push(status.sessions === 1 ? "1 session" : `${status.sessions} sessions`);
  return lines;
}

// Failed first among the rare states, so a problem is not lost at the end of the line.
const STATE_ORDER: TargetState[] = ["up", "failed", "starting", "idle"];

/** E.g. "targets: 2 up, 1 failed"; undefined when the config has no targets. */
function targetSummary(status: GatewayStatus): string | undefined {
  const counts = new Map<TargetState, number>();
  for (const listener of status.listeners) {
    for (const route of listener.routes) {
      for (const target of route.targets) {
        counts.set(target.state, (counts.get(target.state) ?? 0) + 1);
      }
    }
  }
  if (counts.size === 0) return undefined;
  const parts = STATE_ORDER.filter((state) => counts.has(state)).map(
    (state) => `${counts.get(state)} ${state}`,
  );
  return `targets: ${parts.join(", ")}`;
}

function tokenItems(identities: string[]): TrayItem[] {
  if (identities.length === 0)
    return [{ type: "normal", label: "No identities yet", enabled: false }];
  return identities.map((identity) =>
    action(`Copy token for ${identity}`, { action: "copy-token", identity }),
  );
}

function action(label: string, what: TrayAction): TrayItem {
  return { type: "normal", label, enabled: true, action: what };
}
