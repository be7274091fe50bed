import type { Session } from "electron";
import { describe, expect, it } from "vitest";
import {
  refuseAllPermissions,
  refuseDevicePermission,
  refusePermissionCheck,
  refusePermissionRequest,
  type PermissionSessionLike,
} from "../../src/main/electron/permissions";

/** Every permission Electron 45 may ask about: tsc fails here when Electron adds one. */
type Permission = Parameters<NonNullable<Parameters<Session["setPermissionCheckHandler"]>[0]>>[1];
const EVERY_PERMISSION = Object.keys({
  ar: 1,
  "automatic-fullscreen": 1,
  "background-fetch": 1,
  "background-sync": 1,
  "captured-surface-control": 1,
  "clipboard-read": 1,
  "clipboard-sanitized-write": 1,
  "deprecated-sync-clipboard-read": 1,
  "display-capture": 1,
  fileSystem: 1,
  fullscreen: 1,
  geolocation: 1,
  "geolocation-approximate": 1,
  "hand-tracking": 1,
  hid: 1,
  "idle-detection": 1,
  keyboardLock: 1,
  "local-fonts": 1,
  "local-network": 1,
  "local-network-access": 1,
  "loopback-network": 1,
  media: 1,
  mediaKeySystem: 1,
  midi: 1,
  midiSysex: 1,
  nfc: 1,
  notifications: 1,
  openExternal: 1,
  "payment-handler": 1,
  "periodic-background-sync": 1,
  "persistent-storage": 1,
  pointerLock: 1,
  "screen-wake-lock": 1,
  sensors: 1,
  serial: 1,
  "smart-card": 1,
  "speaker-selection": 1,
  "storage-access": 1,
  "system-wake-lock": 1,
  "top-level-storage-access": 1,
  usb: 1,
  vr: 1,
  "web-app-installation": 1,
  "web-printing": 1,
  "window-management": 1,
  unknown: 1,
} satisfies Record<Permission, 1>);

const ORIGINS = ["app://gatehouse", "https://example.com", "file://", "null", ""];

/** Electron's Session as far as the module uses it: it keeps the handlers it is given. */
function recordingSession() {
  const installed: Partial<Record<keyof PermissionSessionLike, unknown>> = {};
  const session: PermissionSessionLike = {
    setPermissionRequestHandler: (handler) =>
      void (installed.setPermissionRequestHandler = handler),
    setPermissionCheckHandler: (handler) => void (installed.setPermissionCheckHandler = handler),
    setDevicePermissionHandler: (handler) => void (installed.setDevicePermissionHandler = handler),
  };
  return { session, installed };
}

describe("the permission policy", () => {
  it("refuses every permission request, whatever the permission", () => {
    for (const permission of EVERY_PERMISSION) {
      const answers: boolean[] = [];
      refusePermissionRequest(null, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
    }
  });

  it("fails every permission check, whatever the permission and the origin", () => {
    for (const permission of EVERY_PERMISSION) {
      for (const origin of ORIGINS) {
        expect(refusePermissionCheck(null, permission, origin), `${permission} ${origin}`).toBe(
          false,
        );
      }
    }
    expect(refuseDevicePermission({ deviceType: "hid", origin: "app://gatehouse" })).toBe(false);
  });

  it("installs all three refusals on the session", () => {
    const { session, installed } = recordingSession();
    refuseAllPermissions(session);
    expect(installed).toEqual({
      setPermissionRequestHandler: refusePermissionRequest,
      setPermissionCheckHandler: refusePermissionCheck,
      setDevicePermissionHandler: refuseDevicePermission,
    });
  });
});
