// Entry point of the Electron main process; everything Electron-specific lives in ./electron.
import "./electron/desktop-app";
