import { describe, expect, it } from "vitest";
import { TRAY_CLICK_ACTION, trayMenuModel, type TrayItem } from "../../src/main/electron/tray-menu";
import type { GatewayStatus, TargetState } from "../../src/shared/ui-api";

function status(targets: TargetState[], overrides: Partial<GatewayStatus> = {}): GatewayStatus {
  return {
    version: "0.1.0",
    paused: false,
    configSource: "/home/dev/config.yaml",
    sessions: 3,
    counts: { allowed: 10, denied: 2 },
    listeners: [
      {
        name: "bind/3000",
        url: "http://localhost:3000",
        routes: [
          {
            name: "default",
            endpoint: "http://localhost:3000/mcp",
            policies: ["jwtAuth"],
            targets: targets.map((state, index) => ({
              name: `t${index}`,
              kind: "stdio",
              detail: "node server.js",
              state,
            })),
          },
        ],
      },
    ],
    ...overrides,
  };
}

const labels = (items: TrayItem[]) =>
  items.map((item) => (item.type === "separator" ? "---" : item.label));

describe("the tray menu model", () => {
  it("shows a running gateway, a token entry per identity and the actions", () => {
    const items = trayMenuModel({
      status: status(["up", "up"]),
      identities: ["alice", "ci-bot"],
      windowOpen: false,
    });
    expect(labels(items)).toEqual([
      "Listening on http://localhost:3000",
      "targets: 2 up",
      "3 sessions",
      "---",
      "Copy token for alice",
      "Copy token for ci-bot",
      "---",
      "Open Gatehouse",
      "Open denial log",
      "Pause gateway",
      "---",
      "Quit",
    ]);
    expect(items[0]).toMatchObject({ enabled: false });
    expect(items[4]).toMatchObject({
      enabled: true,
      action: { action: "copy-token", identity: "alice" },
    });
    expect(items[9]).toMatchObject({ action: { action: "set-paused", paused: true } });
  });

  it("says when the gateway is paused and offers to resume it", () => {
    const items = trayMenuModel({
      status: status(["up"], { paused: true, sessions: 1 }),
      identities: ["alice"],
      windowOpen: true,
    });
    expect(labels(items).slice(0, 3)).toEqual([
      "Paused (http://localhost:3000)",
      "targets: 1 up",
      "1 session",
    ]);
    expect(labels(items)).toContain("Show Gatehouse");
    const resume = items.find((item) => item.type === "normal" && item.label === "Resume gateway");
    expect(resume).toMatchObject({ action: { action: "set-paused", paused: false } });
  });

  it("counts failed targets beside the healthy ones", () => {
    const items = trayMenuModel({
      status: status(["up", "failed", "up", "idle"]),
      identities: [],
      windowOpen: false,
    });
    expect(labels(items)[1]).toBe("targets: 2 up, 1 failed, 1 idle");
  });

  it("offers no token without identities, in a disabled line that says why", () => {
    const items = trayMenuModel({ status: status([]), identities: [], windowOpen: false });
    expect(labels(items).slice(0, 4)).toEqual([
      "Listening on http://localhost:3000",
      "3 sessions",
      "---",
      "No identities yet",
    ]);
    expect(items[3]).toEqual({ type: "normal", label: "No identities yet", enabled: false });
  });

  it("offers what a click on the icon does as a menu item, in every state", () => {
    // Linux's AppIndicator and macOS with a menu never report the click: the menu must do it.
    for (const paused of [false, true]) {
      for (const windowOpen of [false, true]) {
        for (const identities of [[], ["alice"]]) {
          const items = trayMenuModel({ status: status([], { paused }), identities, windowOpen });
          const clickItem = items.find(
            (item) => item.type === "normal" && item.enabled && item.action === TRAY_CLICK_ACTION,
          );
          expect(clickItem).toMatchObject({
            label: windowOpen ? "Show Gatehouse" : "Open Gatehouse",
          });
        }
      }
    }
  });
});
