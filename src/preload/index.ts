import { contextBridge } from "electron";

// The renderer's only door to the app; the typed UI API is exposed here as it grows.
contextBridge.exposeInMainWorld("gatehouse", { platform: process.platform });
