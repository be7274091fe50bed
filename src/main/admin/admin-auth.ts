import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The per-run admin token that guards the web UI and its API. The person who started Gatehouse
 * gets it in the printed link; the browser then holds it in an HttpOnly cookie that only this
 * origin's own pages send (SameSite=Strict), so other sites and local pages cannot use it.
 */
export class AdminAuth {
  readonly token = randomBytes(32).toString("base64url");
  /** Cookies ignore ports: the name carries it, so two instances on one machine do not clash. */
  private readonly cookieName: string;

  constructor(port: number) {
    this.cookieName = `gatehouse_admin_${port}`;
  }

  /** A `Set-Cookie` value that signs this browser in for the session. */
  cookie(): string {
    return `${this.cookieName}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
  }

  accepts(candidate: string | undefined | null): boolean {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Signed in by cookie, or by `Authorization: Bearer <token>` for scripts. */
  isSignedIn(req: IncomingMessage): boolean {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    return this.accepts(bearer) || this.accepts(cookieValue(req, this.cookieName));
  }
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

const SIGN_IN_HELP =
  "Gatehouse's admin UI needs the admin token of this run. Open the link that Gatehouse printed " +
  'when it started (the line beginning with "Admin UI:"); it signs this browser in.';

/** The 401 answer: a short page for a browser, a DispatchResult for the UI's API client. */
export function refuseUnsignedIn(res: ServerResponse, api: boolean): void {
  if (api) {
    res.writeHead(401, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ ok: false, error: SIGN_IN_HELP }));
    return;
  }
  res.writeHead(401, { "Content-Type": "text/html; charset=utf-8" });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse: sign in</title>` +
      `</head><body><h1>Sign in to Gatehouse</h1><p>${SIGN_IN_HELP}</p></body></html>`,
  );
}
