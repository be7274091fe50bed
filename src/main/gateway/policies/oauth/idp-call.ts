import { fetchFailure } from "../../fetch-failure";
import { readBounded } from "../../relay/read-bounded";

/** No identity provider takes longer for a metadata document or a token. */
const TIMEOUT_MS = 10_000;
/** Metadata documents, registrations and token answers are a few KiB; this is generous. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface IdpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * One call to an identity provider on behalf of a client, bounded in time (the whole answer
 * within 10 s) and in size (1 MiB), and never following a redirect. Throws an Error that names
 * the URL and what went wrong, for the log.
 */
export async function callIdentityProvider(
  url: string,
  init: RequestInit = {},
): Promise<IdpAnswer> {
  let response: Response;
  let body: Buffer | undefined;
  try {
    response = await fetch(url, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const declared = Number(response.headers.get("content-length"));
    // Leaving the read early (too large) cancels the rest of the answer.
    body =
      declared > MAX_ANSWER_BYTES
        ? undefined
        : await readBounded(response.body ?? noBody(), MAX_ANSWER_BYTES);
  } catch (error) {
    throw new Error(`the identity provider at ${url} ${unreachable(error)}`, { cause: error });
  }
  if (!body) {
    await response.body?.cancel();
    throw new Error(
      `the identity provider at ${url} sent an answer larger than ${MAX_ANSWER_BYTES} bytes`,
    );
  }
  return { status: response.status, headers: response.headers, body };
}

/** A JSON object the identity provider serves, such as its metadata. */
export async function fetchJsonObject(url: string): Promise<Record<string, unknown>> {
  const answer = await callIdentityProvider(url, { headers: { accept: "application/json" } });
  const failed = (why: string) => new Error(`the identity provider at ${url} ${why}`);
  if (answer.status !== 200) throw failed(`answered HTTP ${answer.status}`);
  let document: unknown;
  try {
    document = JSON.parse(answer.body.toString("utf8"));
  } catch {
    throw failed("sent something that is not JSON");
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw failed("sent JSON that is not an object");
  }
  return document as Record<string, unknown>;
}

function unreachable(error: unknown): string {
  if ((error as Error).name === "TimeoutError") {
    return `did not answer within ${TIMEOUT_MS / 1000} s`;
  }
  return `could not be reached: ${fetchFailure(error)}`;
}

async function* noBody(): AsyncIterable<Uint8Array> {}
