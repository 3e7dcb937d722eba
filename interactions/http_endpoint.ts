/**
 * {@linkcode interactionsEndpoint}: a `Deno.serve`-ready request handler
 * for Discord's HTTP interactions — Ed25519 signatures checked with
 * WebCrypto, PING answered, everything else run through an
 * {@linkcode InteractionRouter} with the initial response returned as the
 * HTTP answer. A bot can run on interactions alone, without a gateway.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  deadlineSignal,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";
import { errorText } from "../base/error_text.ts";
import { ForwardClock } from "../base/forward_clock.ts";
import { assertIntegerOption, shown } from "../base/option_checks.ts";
import { optionKeys } from "../base/option_keys.ts";
import { normalizeBotToken } from "../base/bot_token.ts";
import type { RestClient } from "../rest/rest_client.ts";
import { DiscordApiError, RateLimitError } from "../rest/errors.ts";
import { InvalidRequestLimitError } from "../rest/invalid_requests.ts";
import { parseRoute } from "../rest/routes.ts";
import { UploadError } from "../rest/uploads.ts";
import type { InteractionResponseBody } from "../rest/payloads.ts";
import type { Interaction } from "../types/objects/interaction.ts";
import type { InteractionRouter } from "./router.ts";
import { servedOverHttp } from "./_wait_sources.ts";
import { ANSWER_DEADLINE } from "./context.ts";
import { uploadLimitOf } from "./_upload_limit.ts";
import { isWeakPublicKey } from "./_weak_public_key.ts";
import { InteractionError } from "./errors.ts";
import {
  BodyBudget,
  BodyBudgetSpent,
  type BodyLease,
  BodyReadsFull,
  readRequestBody,
} from "./_request_body.ts";
import { refusalLog } from "./_refusal_log.ts";
import {
  assertEndpointOptionKeys,
  assertEndpointOptions,
} from "./_options_check.ts";

const logger = getLogger(["disruption", "interactions", "http"]);

/**
 * How often a files response's callback that was in flight at the deadline
 * is looked at again, in ms: one that Discord answered with a 429 waits in
 * the REST client to be retried, and is cancelled at the next look.
 */
const CALLBACK_CHECK_INTERVAL = 100;

/**
 * Default {@linkcode InteractionsEndpointOptions.maxBufferedBodyBytes}:
 * 32 MiB (or `maxBodySize`, when that is larger).
 */
const DEFAULT_BUFFERED_BODY_BYTES = 32 * 1024 * 1024;

/** Discord's error code for "Interaction has already been acknowledged". */
const ALREADY_ACKNOWLEDGED = 40060;

/**
 * Whether a files response's callback failed in a way that says Discord
 * does not have the response: refused before it was sent (a 429 past the
 * REST client's retries or wait, a Cloudflare pause, the invalid-request
 * cap, a file Discord would refuse), or refused by Discord with a 4xx (but
 * "already acknowledged"). No answer, a timeout or a 5xx may come after
 * Discord took it.
 *
 * @param error What the callback request rejected with.
 * @returns Whether the interaction is still unanswered.
 */
function refusedUnsent(error: unknown): boolean {
  if (error instanceof DiscordApiError) {
    return error.status >= 400 && error.status < 500 &&
      error.code !== ALREADY_ACKNOWLEDGED;
  }
  return error instanceof RateLimitError ||
    error instanceof InvalidRequestLimitError || error instanceof UploadError;
}

/** Options for {@linkcode interactionsEndpoint}. */
export interface InteractionsEndpointOptions {
  /**
   * The application's public key (64 hex characters, from the Developer
   * Portal); whitespace around it, such as the newline of a file, is trimmed.
   */
  publicKey: string;
  /** The router that handles the interactions. */
  router: InteractionRouter;
  /** The REST client for follow-ups, edits and file uploads. */
  rest: RestClient;
  /**
   * The clock for the answer deadline (and the body's, which is the same).
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * The wall clock the signed timestamp is checked against, in ms.
   *
   * @default {Date.now}
   */
  clock?: () => number;
  /**
   * Oldest (or furthest in the future) signed timestamp accepted, in
   * seconds (an integer from 1 to 86,400); older requests are replays and
   * get 401.
   *
   * @default {300}
   */
  maxAge?: number;
  /**
   * How long to wait for the handler's initial response before answering
   * 500, in milliseconds, counted from the request's arrival, its body's
   * reading included (Discord gives up 3 s after sending it); a request
   * whose body has not arrived within it is answered 408. The handler's
   * context knows it: an initial response after it (or after 3 s, when it
   * is longer) fails as `token_expired`, nothing sent. A response with
   * files whose callback request left for Discord before it (or before 3
   * s, when it is longer) is not answered 500: the HTTP request gets that
   * callback's outcome. One still waiting in the REST client then (a rate
   * limit, a pause) is cancelled, never sent, and answered 500. An integer
   * from 1 to 2^31 - 1.
   *
   * @default {3000}
   */
  answerDeadline?: number;
  /**
   * The largest body accepted, in bytes (a positive integer).
   *
   * @default {1048576}
   */
  maxBodySize?: number;
  /**
   * The most body bytes held at once across every request whose body is
   * being read, until its signature is checked: before that a body is
   * anyone's, and `maxBodySize` bounds one request, not how many are read
   * together (1,000 unsigned connections each sending 1 MB slowly took the
   * process to 1.5 GB). Only bytes that arrived count, not a
   * Content-Length. An eighth of it (at most `maxBufferedBodyBytes -
   * maxBodySize`; none when `maxBodySize` is 64 KiB or less) is kept for
   * bodies of up to 64 KiB, such as Discord's, that the rest cannot take:
   * slow senders of large bodies filling the rest do not refuse those. A
   * request whose body would pass it stops being read and is answered 503
   * (logged once per burst, not per request); one that comes when it is
   * full, before a byte of it is read. The oldest body the rest holds may
   * always grow to `maxBodySize`. The default
   * holds 28 bodies of the largest size at once, and thousands of
   * Discord's real ones (a few KiB each); with it, the same flood left the
   * process at 215 MB (56 MB idle). An integer from `maxBodySize` up: a
   * smaller one would answer every body of the largest size 503.
   *
   * @default {33554432 (32 MiB), or maxBodySize when that is larger}
   */
  maxBufferedBodyBytes?: number;
  /**
   * How many interaction IDs are remembered to refuse a replayed request
   * (a valid signed request sent again within `maxAge`); the oldest are
   * forgotten first past this count (a positive integer).
   *
   * @default {100000}
   */
  maxRemembered?: number;
}

/** Every key of `InteractionsEndpointOptions`: the compiler keeps it exact. */
const ENDPOINT_OPTION_KEYS = optionKeys(
  {
    publicKey: true,
    router: true,
    rest: true,
    scheduler: true,
    clock: true,
    maxAge: true,
    answerDeadline: true,
    maxBodySize: true,
    maxBufferedBodyBytes: true,
    maxRemembered: true,
  } satisfies Record<keyof InteractionsEndpointOptions, true>,
);

/**
 * A `fetch`-style request handler, as `Deno.serve` takes it. The second
 * argument is `Deno.serve`'s handler info: with it, an initial response is
 * reported sent (`ctx.respond()`, `ctx.defer()` resolve) only once the
 * HTTP answer was delivered. Without it (another framework, a test) they
 * resolve once the answer is handed over.
 */
export type RequestHandler = (
  request: Request,
  info?: Deno.ServeHandlerInfo,
) => Promise<Response>;

/**
 * Parse a hex string into bytes, or `undefined` when it is not hex.
 *
 * @param hex The hex text.
 * @returns The bytes.
 */
function hexBytes(hex: string | null): Uint8Array | undefined {
  if (hex === null || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    return undefined;
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return out;
}

/**
 * The bytes of the `publicKey` option: 64 hex characters, once the
 * whitespace around them (a key read from a file or an environment variable
 * with its newline) is trimmed.
 *
 * @param publicKey The option's value.
 * @returns The 32 bytes of the key.
 * @throws {TypeError} When it is not a string of 64 hex characters (an unset
 * environment variable gives `undefined`), or is a key no key pair has
 * (see `_weak_public_key.ts`).
 */
function publicKeyBytes(publicKey: unknown): Uint8Array {
  const bytes = typeof publicKey === "string"
    ? hexBytes(publicKey.trim())
    : undefined;
  if (bytes?.length === 32 && !isWeakPublicKey(bytes)) return bytes;
  const value = `current value ${shownPublicKey(publicKey)}`;
  if (bytes?.length === 32) {
    throw new TypeError(
      `Cannot create interactions endpoint as 'publicKey' is not a real Ed25519 key (a point of small order, such as a placeholder of zeros, against which forged signatures verify): copy the Developer Portal's Public Key: ${value}`,
    );
  }
  throw new TypeError(
    `Cannot create interactions endpoint as 'publicKey' must be 64 hex characters (the Developer Portal's Public Key): ${value}`,
  );
}

/**
 * A refused `publicKey` as shown: only hex is (a key of the wrong length is
 * no secret), as what is pasted there by mistake is often a secret.
 */
function shownPublicKey(key: unknown): string {
  if (typeof key !== "string") return `'publicKey=${shown(key)}'`;
  if (/^[0-9a-f]*$/i.test(key.trim())) {
    return `'publicKey=${JSON.stringify(key)}'`;
  }
  // A bot token is three base64url parts joined by dots.
  const token = /^[\w-]+\.[\w-]+\.[\w-]+$/.test(normalizeBotToken(key));
  const said = token ? "it looks like a bot token: " : "";
  return `a string of ${key.length} characters, not all hex (${said}not shown)`;
}

/**
 * The `maxBufferedBodyBytes` option, checked, with its default.
 *
 * @param value The option's value.
 * @param maxBody The endpoint's `maxBodySize`.
 * @returns The budget in bytes.
 * @throws {RangeError} When it is not an integer of at least `maxBody`.
 */
function bufferedBodyBytes(value: unknown, maxBody: number): number {
  if (value === undefined) {
    return Math.max(DEFAULT_BUFFERED_BODY_BYTES, maxBody);
  }
  const name = "maxBufferedBodyBytes";
  assertIntegerOption("interactions endpoint", name, value, 1);
  if ((value as number) < maxBody) {
    throw new RangeError(
      `Cannot create interactions endpoint as '${name}' must be at least 'maxBodySize' (${maxBody}), or every body of that size is answered 503: current value '${name}=${value}'`,
    );
  }
  return value as number;
}

const text = (
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Response =>
  new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });

/**
 * Wait until the HTTP answer of interaction `id` was delivered:
 * `completed` (from `Deno.serve`'s handler info) resolves then, and rejects
 * (`Deno.errors.Interrupted`) when the connection broke first. It must
 * settle within `ms`, Discord's time for the answer: past it the answer
 * counts as not delivered.
 *
 * @throws {InteractionError} `not_answered` when it was not delivered.
 */
async function delivered(
  completed: Promise<void>,
  scheduler: Scheduler,
  ms: number,
  id: string,
): Promise<void> {
  const failure = (why: string, cause?: unknown): InteractionError =>
    new InteractionError(
      "not_answered",
      `The HTTP answer to interaction ${id} did not reach Discord (${why}), so Discord does not have the initial response`,
      cause === undefined ? {} : { cause },
    );
  let timer: number | undefined;
  try {
    await Promise.race([
      completed.catch((error) => {
        throw failure(
          `the connection broke first: ${errorText(error)}`,
          error,
        );
      }),
      new Promise<never>((_, reject) => {
        timer = scheduler.setTimeout(
          () => reject(failure(`not delivered within ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    if (timer !== undefined) scheduler.clearTimeout(timer);
  }
}

/**
 * Build the request handler. Requests are refused with 401 when the
 * signature headers are missing, the signature does not verify (over the
 * timestamp followed by the raw body), or the timestamp is more than
 * `maxAge` seconds away, or the same interaction ID came before (a
 * replayed request: its signature and timestamp still verify); with 405
 * (and `Allow: POST`) for other methods than POST, 413 for oversized
 * bodies, 408 for a body not received within `answerDeadline`, 503 for a
 * body that would pass `maxBufferedBodyBytes` with the others being read
 * (or that comes while 1,024 are), and 400 for bodies that are not an
 * interaction.
 *
 * Given to `Deno.serve`, it gets each request's handler info, and
 * `ctx.respond()`, `ctx.defer()` and the other initial responses resolve
 * only once their HTTP answer was delivered (`info.completed`), so that
 * `await ctx.defer(); await ctx.editOriginal(...)` cannot edit before
 * Discord has the defer; they fail as `not_answered` when Deno reports it
 * undelivered (the connection broke first, or it took longer than
 * Discord's 3 s; a small answer to a client that had already hung up may
 * still be reported delivered). Called without that info (other
 * frameworks, tests), they resolve once the answer is handed over.
 *
 * A response with files is sent through the callback route (multipart) and
 * the HTTP request is answered with 202 and no body once Discord confirmed
 * it, as Discord's documentation prescribes. Once that callback request
 * has left for Discord, the `answerDeadline` no longer answers 500: the
 * HTTP request waits for the callback's outcome (for as long as an attempt
 * is in flight: the REST client's `timeout` bounds it), 202 when it
 * succeeded, even after the deadline (Discord has the response:
 * `ctx.respond()` resolves), or 500 "The interaction's callback request
 * failed" when it failed in a way Discord may have it (no answer, a
 * timeout, a 5xx: `ctx.respond()` rejects with the REST error). A callback
 * still waiting in the REST client at the deadline (or at 3 s, when it is
 * longer) — a rate limit, a pause, a retry after a 429 — is cancelled,
 * never sent: the request is answered 500 and `ctx.respond()` rejects as
 * `not_answered`. A callback Discord refused before the deadline (a 4xx,
 * or a 429 the REST client gave up on) leaves the request open for the
 * handler's fallback: `ctx.respond()` rejects with the REST error,
 * `ctx.state` is `"pending"` again, and a plain answer still becomes the
 * HTTP answer.
 *
 * `Deno.serve` bounds neither connections nor the time a peer takes to send
 * its request head: idle peers can take every file descriptor, and then
 * its `finished` rejects ("Too many open files") and it serves no more
 * (unhandled, the rejection ends the process). Facing the internet, put it
 * behind a reverse proxy or load balancer with a connection limit and
 * header and body timeouts (Discord needs an HTTPS URL, which usually
 * means one anyway), and handle `finished`, as below.
 *
 * @param options Public key, router, REST client and limits.
 * @returns The handler.
 * @throws {TypeError} When the public key is not a string of 64 hex
 * characters (whitespace around it is trimmed) or is a key no key pair has
 * (a point of small order, such as 64 zeros: forged signatures would
 * verify against it), `options` is not an object or has a key that
 * is not one of its options (`maxage`: the message names the nearest),
 * `scheduler` is not a `Scheduler`, `clock` not a function or `rest` not a
 * `RestClient`.
 * @throws {RangeError} When `maxAge`, `answerDeadline`, `maxBodySize`,
 * `maxBufferedBodyBytes` (at least `maxBodySize`) or `maxRemembered` is
 * not an integer in its range (`NaN`, 0, negative, fractional, not a
 * number, or too large).
 *
 * @example Serve it
 * ```ts
 * import { interactionsEndpoint, InteractionRouter } from "@disruption/disruption/interactions";
 * import { RestClient } from "@disruption/disruption/rest";
 *
 * function serve(publicKey: string, token: string): Deno.HttpServer {
 *   const router = new InteractionRouter();
 *   const rest = new RestClient({ token });
 *   const server = Deno.serve(
 *     { port: 8000 },
 *     interactionsEndpoint({ publicKey, router, rest }),
 *   );
 *   // Out of file descriptors, it serves no more: say so, and end non-zero
 *   // for the supervisor to restart it (ignored, the process would linger).
 *   server.finished.catch((error) => {
 *     console.error("The interactions endpoint stopped serving:", error);
 *     Deno.exit(1);
 *   });
 *   return server;
 * }
 * ```
 */
export function interactionsEndpoint(
  options: InteractionsEndpointOptions,
): RequestHandler {
  assertEndpointOptionKeys(options, ENDPOINT_OPTION_KEYS);
  const keyBytes = publicKeyBytes(options.publicKey);
  assertEndpointOptions(options);
  // Its component waits go on whether an attached Client runs or not.
  servedOverHttp(options.router);
  const scheduler = options.scheduler ?? realScheduler;
  // The deadlines' clock: Discord's 3 s are real time, and a step of the
  // wall clock (NTP, a resumed VM) while a request is served must not
  // refuse an answer Discord takes, nor take one it dropped.
  const forward = new ForwardClock(scheduler);
  const maxAge = options.maxAge ?? 300;
  const clock = options.clock ?? Date.now;
  const deadline = options.answerDeadline ?? 3000;
  const maxBody = options.maxBodySize ?? 1024 * 1024;
  // The bytes of every body being read or checked, held together (the
  // REST client's pattern for its answers: refused, never paused).
  const bodies = new BodyBudget(
    bufferedBodyBytes(options.maxBufferedBodyBytes, maxBody),
    maxBody,
  );
  /** Requests answered 503 since the bodies were last all read. */
  let refused = 0;
  const overBudget = (error: BodyBudgetSpent): Response => {
    if (refused++ > 0) return text(503, "Service Unavailable");
    if (error instanceof BodyReadsFull) {
      logger.warn(
        "{max} interaction request bodies are being read: requests are answered 503 until those are read (said once until then)",
        { max: bodies.maxReads },
      );
    } else {
      logger.warn(
        "Interaction request bodies being read hold maxBufferedBodyBytes ({total} bytes): requests are answered 503 until those are read (said once until then)",
        { total: bodies.total },
      );
    }
    return text(503, "Service Unavailable");
  };
  const released = (lease: BodyLease): void => {
    lease.release();
    if (refused === 0 || bodies.held > 0 || bodies.reading > 0) return;
    logger.info(
      "Interaction request bodies are all read: {refused} requests were answered 503 for maxBufferedBodyBytes or the bodies being read",
      { refused },
    );
    refused = 0;
  };
  // Anyone can send these, so they are said once per burst, as the 503s.
  const unsigned = refusalLog(scheduler, "without a valid signature header");
  const forged = refusalLog(scheduler, "with a bad signature");
  const late = refusalLog(
    scheduler,
    "whose body did not arrive within {deadline} ms",
    { deadline },
  );
  // Signed, but anyone who once saw a signed request can send it again.
  const stale = refusalLog(scheduler, "with a stale timestamp");
  const replay = refusalLog(
    scheduler,
    "replaying an interaction already taken",
  );
  const refusals = [unsigned, forged, late, stale, replay];
  const key = crypto.subtle.importKey(
    "raw",
    keyBytes as Uint8Array<ArrayBuffer>,
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  const encoder = new TextEncoder();
  const maxRemembered = options.maxRemembered ?? 100_000;
  /** Interaction IDs answered recently, with when they may be forgotten. */
  const seen = new Map<string, number>();
  /**
   * Whether interaction `id`, signed at `signedAt` (seconds), was taken
   * already. It is remembered for as long as its signature passes the age
   * check: `maxAge` past the later of its timestamp and now (a timestamp
   * ahead of our clock is accepted, so it stays valid that much longer).
   */
  const replayed = (id: unknown, now: number, signedAt: number): boolean => {
    for (const [old, until] of seen) {
      // Kept through `until` itself: a timestamp exactly maxAge old passes.
      if (until >= now) break;
      seen.delete(old);
    }
    if (typeof id !== "string") return false;
    if (seen.has(id)) return true;
    // Room is made only now, after the check: making it before forgot the
    // oldest of `maxRemembered` ids before comparing (with 1, every replay
    // passed).
    for (const old of seen.keys()) {
      if (seen.size < maxRemembered) break;
      seen.delete(old);
    }
    seen.set(id, Math.max(now, signedAt * 1000) + maxAge * 1000);
    return false;
  };

  /**
   * Read a request's body (of `declared` bytes, when its Content-Length
   * says), its bytes taken from `lease`, and check its signature: the body,
   * or the refusal to answer with.
   */
  const signedBody = async (
    request: Request,
    signature: Uint8Array,
    timestamp: string,
    lease: BodyLease,
    declared: number,
  ): Promise<Uint8Array | Response> => {
    // The body must arrive within the answer deadline: Discord has stopped
    // waiting by then, and a peer trickling a body would otherwise hold the
    // request (and its memory) open for as long as it likes.
    // (No reason: the signal's default, an "AbortError" DOMException.)
    const reading = deadlineSignal(scheduler, deadline, () => undefined);
    let body: Uint8Array | undefined;
    try {
      body = await readRequestBody(
        request,
        maxBody,
        reading.signal,
        lease,
        declared,
      );
    } catch (error) {
      if (error instanceof BodyBudgetSpent) return overBudget(error);
      if (!reading.expired.aborted) return text(400, "Bad Request");
      late.refused();
      return text(408, "Request Timeout");
    } finally {
      reading.end();
    }
    if (!body) return text(413, "Payload Too Large");
    const signed = new Uint8Array(timestamp.length * 3 + body.length);
    const stamp = encoder.encodeInto(timestamp, signed);
    signed.set(body, stamp.written);
    const valid = await crypto.subtle.verify(
      "Ed25519",
      await key,
      signature as Uint8Array<ArrayBuffer>,
      signed.subarray(0, stamp.written + body.length),
    );
    if (!valid) {
      forged.refused();
      return text(401, "invalid request signature");
    }
    return body;
  };

  return async (
    request: Request,
    info?: Deno.ServeHandlerInfo,
  ): Promise<Response> => {
    // Discord's 3 s run from when it sent the request: every deadline
    // (the body's, the answer's, the context's) counts from its arrival.
    const arrived = forward.now();
    for (const log of refusals) log.settle();
    if (request.method !== "POST") {
      return text(405, "Method Not Allowed", { allow: "POST" });
    }
    // Another framework's second argument may be anything.
    const completed = info?.completed;
    const canWait = typeof (completed as Promise<void> | undefined)?.then ===
      "function";
    const signature = hexBytes(request.headers.get("x-signature-ed25519"));
    const timestamp = request.headers.get("x-signature-timestamp");
    if (!signature || signature.length !== 64 || !timestamp) {
      unsigned.refused();
      return text(401, "invalid request signature");
    }
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > maxBody) return text(413, "Payload Too Large");
    // Until its signature is checked, the body's bytes count in the budget
    // of every body being read (given back whatever the outcome).
    const lease = bodies.lease();
    let body: Uint8Array | Response;
    try {
      body = await signedBody(request, signature, timestamp, lease, declared);
    } finally {
      released(lease);
    }
    if (body instanceof Response) return body;
    const seconds = Number(timestamp);
    const now = clock() / 1000;
    if (!Number.isFinite(seconds) || Math.abs(now - seconds) > maxAge) {
      stale.refused();
      return text(401, "stale request timestamp");
    }
    let interaction: Interaction;
    try {
      interaction = JSON.parse(new TextDecoder().decode(body));
      if (
        typeof interaction !== "object" || interaction === null ||
        typeof interaction.type !== "number"
      ) throw new TypeError("not an interaction");
    } catch {
      return text(400, "Bad Request");
    }
    if (replayed(interaction.id, clock(), seconds)) {
      replay.refused();
      return text(401, "replayed request");
    }
    if (interaction.type === 1) return Response.json({ type: 1 });

    return await new Promise<Response>((resolve) => {
      let done = false;
      // A response with files going to Discord over the callback route
      // (cancelled through it): its outcome answers the HTTP request, not
      // the deadline, once it has left.
      let callback: AbortController | undefined;
      /** The `answerDeadline` has passed. */
      let expired = false;
      /** The timer of the next look at the callback. */
      let check: number | undefined;
      const finish = (response: Response): void => {
        if (done) return;
        done = true;
        scheduler.clearTimeout(timer);
        if (check !== undefined) scheduler.clearTimeout(check);
        resolve(response);
      };
      const timer = scheduler.setTimeout(() => {
        expired = true;
        if (callback) return; // watchCallback decides
        logger.warn(
          "Interaction {id} got no initial response within {deadline} ms of its request's arrival: answered 500",
          { id: shown(interaction.id), deadline },
        );
        finish(text(500, "The interaction was not answered in time"));
      }, deadline - (forward.now() - arrived));
      // Discord takes an initial response only within its 3 s, so the
      // deadline spares a callback only once it has left. One still waiting
      // in the REST client (a bucket's or a 429's wait, a Cloudflare pause,
      // still being prepared) could only be refused later, and held this
      // request, its files with it, for as long as the wait. The REST client
      // tells no "sent", but its rate limiter shows the callback's bucket,
      // one per interaction: a request in flight there has left; anything
      // else has not, and is cancelled (never sent). One in flight is looked
      // at again until it settles: a 429 puts it back to wait.
      const limit = Math.min(deadline, ANSWER_DEADLINE);
      const watchCallback = (): void => {
        check = undefined;
        if (done || !callback) return;
        // (A stand-in for the REST client without a rate limiter to show
        // cannot say it left: its callback is cancelled.)
        const bucket = options.rest.rateLimiter?.bucketState?.(parseRoute(
          "POST",
          `/interactions/${String(interaction.id)}/token/callback`,
        ));
        if ((bucket?.inFlight ?? 0) > 0) {
          check = scheduler.setTimeout(watchCallback, CALLBACK_CHECK_INTERVAL);
          return;
        }
        logger.warn(
          "Interaction {id}: its callback request (a response with files) was still waiting in the REST client (a rate limit or a pause) {limit} ms after its request's arrival: cancelled, answered 500",
          { id: shown(interaction.id), limit },
        );
        callback.abort(
          new InteractionError(
            "not_answered",
            `The callback request of interaction ${
              shown(interaction.id)
            } (a response with files) was still waiting in the REST client (a rate limit or a pause) ${limit} ms after the interaction arrived, past Discord's time for an initial response: it was cancelled, nothing was sent, and the HTTP request was answered 500`,
          ),
        );
      };
      options.router.handle(interaction, {
        rest: options.rest,
        // On the router's clock as of now: the context counts the rest.
        received: forward.toScheduler(arrived),
        answerDeadline: deadline,
        respond: async (
          response: InteractionResponseBody,
          files,
        ): Promise<void> => {
          if (done) {
            throw new InteractionError(
              "not_answered",
              `The HTTP request of interaction ${
                shown(interaction.id)
              } was already answered (500 at the endpoint's answerDeadline of ${deadline} ms, when its handler failed, or when a response's callback request failed in a way Discord may have it, or was cancelled at the deadline): nothing was sent`,
            );
          }
          if (files) {
            // Discord has it once the callback request succeeded; the
            // HTTP request waits for that, past the deadline too, once the
            // request has left (watchCallback).
            const controller = new AbortController();
            callback = controller;
            check = scheduler.setTimeout(
              watchCallback,
              Math.max(0, limit - (forward.now() - arrived)),
            );
            try {
              await options.rest.createInteractionResponse(
                interaction.id,
                interaction.token,
                response,
                {
                  files,
                  uploadLimit: uploadLimitOf(interaction),
                  signal: controller.signal,
                },
              );
            } catch (error) {
              callback = undefined;
              if (check !== undefined) scheduler.clearTimeout(check);
              check = undefined;
              if (controller.signal.aborted) {
                finish(text(500, "The interaction was not answered in time"));
              } else if (expired || !refusedUnsent(error)) {
                // Discord may have it (or its time is over): nothing else
                // can answer the request now.
                finish(text(500, "The interaction's callback request failed"));
              }
              // Else Discord refused it and the interaction is unanswered:
              // the request stays open (to the deadline) for a fallback.
              throw error;
            }
            callback = undefined;
            finish(new Response(null, { status: 202 }));
            return;
          }
          finish(Response.json(response));
          if (canWait) {
            await delivered(
              completed!,
              scheduler,
              Math.max(deadline, ANSWER_DEADLINE) - (forward.now() - arrived),
              shown(interaction.id),
            );
          }
        },
        // The handler failed without answering (reported to onError):
        // say so now, not at the deadline.
        failed: () => finish(text(500, "The interaction handler failed")),
      }).then((routed) => {
        if (!routed) finish(text(404, "No handler for this interaction"));
      }, () => {});
    });
  };
}
