import type { UiApi, UiEvent } from "../../src/shared/ui-api";

/**
 * A UiApi for adapter tests: `status` answers, `mintToken` echoes its arguments, `deleteKey`
 * fails like the keystore would. Anything else is not needed by the adapters and throws.
 */
export function fakeUiApi(): UiApi & {
  subscribe(listener: (event: UiEvent) => void): () => void;
  emit(event: UiEvent): void;
  calls: { method: string; args: unknown[] }[];
} {
  const listeners = new Set<(event: UiEvent) => void>();
  const calls: { method: string; args: unknown[] }[] = [];
  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  const api = {
    calls,
    subscribe(listener: (event: UiEvent) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (event: UiEvent) => listeners.forEach((listener) => listener(event)),
    async status() {
      record("status", []);
      return STATUS;
    },
    async mintToken(identity: string | null, claims: Record<string, unknown> | null, ttl: string) {
      record("mintToken", [identity, claims, ttl]);
      return { token: "t0k3n", kid: "k1", claims: { sub: identity, ...claims }, expiresAt: ttl };
    },
    async deleteKey(kid: string) {
      record("deleteKey", [kid]);
      throw new Error(`no key "${kid}"`);
    },
  };
  return new Proxy(api, {
    get: (target, name) =>
      name in target
        ? target[name as keyof typeof target]
        : () => Promise.reject(new Error(`${String(name)} is not faked`)),
  }) as unknown as ReturnType<typeof fakeUiApi>;
}

export const STATUS = {
  version: "0.1.0",
  paused: false,
  configSource: "(embedded default config)",
  listeners: [],
  sessions: 0,
  counts: { allowed: 0, denied: 0 },
};
