/**
 * Gatehouse's page needs no web permission: no camera, notifications, clipboard reads, devices
 * or anything else a page can ask the browser for. So every request and every check is refused,
 * whatever asks and whatever the origin, as Electron's security checklist advises (without
 * handlers Electron grants most permissions by default).
 */

/** The part of Electron's Session this module uses, so tests can run it under plain Node. */
export interface PermissionSessionLike {
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

/** Answers a permission request (e.g. getUserMedia, Notification.requestPermission): no. */
export function refusePermissionRequest(
  _webContents: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

/** Answers a permission check (e.g. navigator.permissions.query): not granted. */
export function refusePermissionCheck(
  _webContents: unknown,
  _permission: string,
  _requestingOrigin: string,
): boolean {
  return false;
}

/** Answers whether a HID, serial or USB device may be used without asking: never. */
export function refuseDevicePermission(_details: unknown): boolean {
  return false;
}

/** Installs the refusals on a session; the app calls it for the default session when ready. */
export function refuseAllPermissions(session: PermissionSessionLike): void {
  session.setPermissionRequestHandler(refusePermissionRequest);
  session.setPermissionCheckHandler(refusePermissionCheck);
  session.setDevicePermissionHandler(refuseDevicePermission);
}
