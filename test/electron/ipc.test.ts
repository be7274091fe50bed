import { describe, expect, it } from "vitest";
import { createDispatcher } from "../../src/main/app/api/dispatch";
import { isAppPage } from "../../src/main/electron/app-protocol";
import {
  forwardEvents,
  registerUiIpc,
  type IpcMainLike,
  type InvokeEventLike,
} from "../../src/main/electron/ipc";
import type { DispatchResult } from "../../src/shared/ui-bridge";
import { fakeUiApi, STATUS } from "./fake-ui-api";

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<DispatchResult>;

/** ipcMain as far as the module uses it: `invoke` plays the renderer's side of a call. */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = (frameUrl: string | null, channel: string, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...args);
  };
  return { ipc, handlers, invoke };
}

const APP_PAGE = "app://gatehouse/";

function setUp() {
  const api = fakeUiApi();
  const { ipc, handlers, invoke } = fakeIpcMain();
  const unregister = registerUiIpc(ipc, createDispatcher(api), isAppPage);
  return { api, handlers, invoke, unregister };
}

describe("the Electron IPC adapter", () => {
  it("dispatches a call from the app's own page, at any hash route", async () => {
    const { api, invoke } = setUp();
    expect(await invoke(APP_PAGE, "gatehouse:call", "status", [])).toEqual({
      ok: true,
      value: STATUS,
    });
    const minted = await invoke(`${APP_PAGE}#/requests?denied=1`, "gatehouse:call", "mintToken", [
      "alice",
      null,
      "8h",
    ]);
    expect(minted).toMatchObject({ ok: true, value: { token: "t0k3n" } });
    expect(api.calls).toEqual([
      { method: "status", args: [] },
      { method: "mintToken", args: ["alice", null, "8h"] },
    ]);
  });

  it("refuses calls from any other page before looking at them", async () => {
    const { api, invoke } = setUp();
    for (const url of [
      "https://evil.example/index.html",
      "file:///opt/Gatehouse/resources/app/out/renderer/index.html",
      "app://gatehouse/assets/index.js",
      "app://evil/",
      "https://gatehouse/",
      "http://localhost:5173/",
      null,
    ]) {
      expect(await invoke(url, "gatehouse:call", "status", [])).toEqual({
        ok: false,
        error: "refused: this page may not call Gatehouse",
      });
    }
    expect(api.calls).toEqual([]);
  });

  it("answers invalid arguments and unknown methods with a message, without calling", async () => {
    const { api, invoke } = setUp();
    const badAlg = await invoke(APP_PAGE, "gatehouse:call", "createKey", ["HS256", null, null]);
    expect(badAlg.ok).toBe(false);
    expect(!badAlg.ok && badAlg.error).toMatch(/^invalid arguments to createKey: argument 1: /);
    const badTtl = await invoke(APP_PAGE, "gatehouse:call", "mintToken", ["alice", null]);
    expect(!badTtl.ok && badTtl.error).toMatch(
      /^invalid arguments to mintToken: expected 3 arguments, got 2$/,
    );
    const notAList = await invoke(APP_PAGE, "gatehouse:call", "status", "now");
    expect(!notAList.ok && notAList.error).toMatch(/^invalid arguments to status: /);
    expect(await invoke(APP_PAGE, "gatehouse:call", "constructor", [])).toEqual({
      ok: false,
      error: 'unknown method "constructor"',
    });
    expect(api.calls).toEqual([]);
  });

  it("passes a failing call's message on, not its stack", async () => {
    const { invoke } = setUp();
    expect(await invoke(APP_PAGE, "gatehouse:call", "deleteKey", ["k9"])).toEqual({
      ok: false,
      error: 'no key "k9"',
    });
  });

  it("unregisters its handler", () => {
    const { handlers, unregister } = setUp();
    expect(handlers.has("gatehouse:call")).toBe(true);
    unregister();
    expect(handlers.has("gatehouse:call")).toBe(false);
  });

  it("forwards UI events to the window until unsubscribed", () => {
    const api = fakeUiApi();
    const sent: unknown[][] = [];
    const stop = forwardEvents(api.subscribe, (channel, event) => sent.push([channel, event]));
    api.emit({ type: "status", status: STATUS });
    stop();
    api.emit({ type: "status", status: { ...STATUS, paused: true } });
    expect(sent).toEqual([["gatehouse:event", { type: "status", status: STATUS }]]);
  });
});
