/** Where the Electron binary is, or why there is none, without ever starting a download. */
export function electronBinary(): { path: string } | { reason: string };
