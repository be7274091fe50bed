/**
 * The app's identity to the operating system: the installer's appId (electron-builder.yml) and
 * the AppUserModelID Windows files the app's notifications under. The two must be equal, or
 * Windows shows no notification from the installed app (a test checks that they are).
 */
export const APP_ID = "dev.gatehouse.desktop";
