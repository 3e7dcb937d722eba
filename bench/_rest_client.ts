/**
 * One measured case of the REST benchmark, in a process of its own: it
 * sends its requests to the loopback server (`_rest_server.ts`) and
 * measures its own process CPU (user + system, every thread).
 *
 * - `floor`: the mix of {@linkcode mixedRequest} with the runtime's `fetch`,
 *   the same method, URL, headers and JSON body, each answer read and
 *   `JSON.parse`d (a 204 only read): the least any client does.
 * - `library`: the same mix through the library's `RestClient` (rate
 *   limiter, header parsing, checks, typed errors), its global limit set
 *   out of the way (the server's buckets never run out either).
 * - `queue`: jobs through the client's rate limiter alone, answered in
 *   process, `queued` at once in lanes `depth` deep (see `runQueue`).
 * - `memory`: `RestClient` with its `fetch` held, the heap read with
 *   requests waiting (see `runMemory`).
 *
 * CPU per request: for `floor` and `library`, the median of ten windows of
 * a tenth of the requests each (so a burst of interference from another
 * tenant of the machine moves one window); for `queue`, the whole run's
 * CPU over its jobs (every depth does the same work, and a window would
 * put the enqueuing of a round in one window but not in the others).
 *
 * @module
 */
import { getGuildMember, RestClient } from "../rest/mod.ts";
import {
  collectGarbage,
  CPU_WINDOWS,
  Meter,
  parseFlags,
  peakRss,
  SAMPLE_MASK,
} from "./_measure.ts";
import { BENCH_TOKEN, message } from "./_rest_server.ts";
import { clientLimiter } from "../rest/_client_limiter.ts";
import type { AttemptResult } from "../rest/rate_limiter.ts";
import { parseRoute } from "../rest/routes.ts";
import { realScheduler } from "../base/scheduler.ts";

/** A case's kind. */
export type RestCaseMode = "floor" | "library" | "queue" | "memory";

/** Options for {@linkcode runRestCase}. */
export interface RestCaseOptions {
  /** The server's `http://127.0.0.1:<port>/api/v10`. */
  baseUrl: string;
  /** Which case. */
  mode: RestCaseMode;
  /** Requests measured. */
  requests: number;
  /** Requests sent first, not measured (connections opened, code warm). */
  warmup: number;
  /** `floor` and `library`: requests in flight at once. */
  concurrency: number;
  /**
   * `queue`: jobs per lane (`queued` is a multiple of it), each lane on a
   * channel of its own.
   */
  depth: number;
  /** `queue`: jobs queued at once (`requests` is a multiple of it). */
  queued: number;
}

/** What a case measured of itself. */
export interface RestCaseResult {
  /** Which case. */
  mode: RestCaseMode;
  /** `queue`: the depth. */
  depth?: number;
  /** Requests measured. */
  requests: number;
  /** Requests that failed (a status not 2xx, a thrown error). */
  errors: number;
  /** The first failure. */
  firstError?: string;
  /** Process CPU over the measured requests, µs. */
  cpuUs: number;
  /** CPU µs per request of each tenth of the requests. */
  windowCpuUs: number[];
  /** Wall time of the measured requests, ms. */
  wallMs: number;
  /** Peak RSS of the process, bytes. */
  peakRss: number;
  /** Largest sampled `heapUsed` while measuring, bytes. */
  peakHeap: number;
  /**
   * `queue`: heap used per queued job (after a full GC, queues full
   * against before they were filled), bytes; only with `--expose-gc`.
   */
  heapPerQueued?: number;
  /** `memory`: its readings (only with `--expose-gc`). */
  memory?: MemoryReadings;
}

/** What the `memory` case reads, in heap bytes (after a full GC). */
export interface MemoryReadings {
  /** Per request queued in one channel through `RestClient`. */
  perQueuedRequest: number;
  /** Per request in flight, each in a channel (a bucket) of its own. */
  perBucketInFlight: number;
  /** Per bucket the client keeps once its request was answered. */
  perBucketKept: number;
  /** Requests queued, and buckets. */
  count: number;
}

/** One request of the mix: what it is, by route. */
export interface MixedRequest {
  /** The HTTP method. */
  method: "GET" | "POST";
  /** The path below the base URL. */
  path: string;
  /** The JSON body, if any. */
  body?: unknown;
  /** Whether it goes with the bot token (not an interaction callback). */
  bot: boolean;
  /** The route's kind. */
  kind: "message" | "member" | "callback";
}

/** Channels the mix's messages go to, in turn. */
export const MIX_CHANNELS = 16;
const CHANNEL_BASE = 1_000_000_000_000_000_000n;
const GUILD = "1050000000000000001";
const USER_BASE = 1_150_000_000_000_000_000n;
const INTERACTION_BASE = 1_400_000_000_000_000_000n;
/** An interaction token's length and alphabet, as Discord sends them. */
const INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTQwMDAwMDAwMDAwMDAwMDAwMDpiZW5jaA" +
  "".padEnd(120, "x-Y_z0");

/**
 * The `i`th request of the mix: in every ten, six messages (one of
 * {@linkcode MIX_CHANNELS} channels in turn), two member lookups and two
 * interaction callbacks (a message reply).
 *
 * @param i Its index.
 * @returns The request.
 */
export function mixedRequest(i: number): MixedRequest {
  const slot = i % 10;
  if (slot < 6) {
    const channel = String(CHANNEL_BASE + BigInt(i % MIX_CHANNELS));
    return {
      kind: "message",
      method: "POST",
      path: `/channels/${channel}/messages`,
      body: {
        content: `Reply ${i}: your order is on its way.`,
        allowed_mentions: { parse: [] },
      },
      bot: true,
    };
  }
  if (slot < 8) {
    return {
      kind: "member",
      method: "GET",
      path: `/guilds/${GUILD}/members/${USER_BASE + BigInt(i % 1000)}`,
      bot: true,
    };
  }
  return {
    kind: "callback",
    method: "POST",
    path: `/interactions/${INTERACTION_BASE + BigInt(i)}/${INTERACTION_TOKEN}${
      i % 10
    }/callback`,
    body: { type: 4, data: { content: `Pong ${i}`, flags: 64 } },
    bot: false,
  };
}

const USER_AGENT = "DiscordBot (https://example.invalid/bench, 0.1.0)";

/** Send one request of the mix with the runtime's `fetch`. */
async function sendFloor(
  baseUrl: string,
  request: MixedRequest,
): Promise<void> {
  const headers: Record<string, string> = { "user-agent": USER_AGENT };
  if (request.bot) headers["authorization"] = `Bot ${BENCH_TOKEN}`;
  const init: RequestInit = { method: request.method, headers };
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(request.body);
  }
  const response = await fetch(baseUrl + request.path, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text}`);
  if (response.status !== 204) JSON.parse(text);
}

/** Send one request of the mix through the library's client. */
async function sendLibrary(
  rest: RestClient,
  request: MixedRequest,
  i: number,
): Promise<void> {
  if (request.kind === "message") {
    const channel = String(CHANNEL_BASE + BigInt(i % MIX_CHANNELS));
    await rest.createMessage(channel, request.body as { content: string });
  } else if (request.kind === "member") {
    await getGuildMember(rest, GUILD, String(USER_BASE + BigInt(i % 1000)));
  } else {
    await rest.createInteractionResponse(
      String(INTERACTION_BASE + BigInt(i)),
      `${INTERACTION_TOKEN}${i % 10}`,
      request.body as { type: 4; data: { content: string; flags: number } },
    );
  }
}

/** The library's client as the benchmark uses it. */
function benchClient(baseUrl: string): RestClient {
  // The bot's global limit (50 a second by default) would make the run a
  // measure of waiting: the server's limits are what is tested here.
  return new RestClient({ token: BENCH_TOKEN, baseUrl, globalLimit: 1e9 });
}

/**
 * Run one case in this process.
 *
 * @param options What to run.
 * @returns What it measured.
 */
export async function runRestCase(
  options: RestCaseOptions,
): Promise<RestCaseResult> {
  if (options.mode === "queue") return await runQueue(options);
  if (options.mode === "memory") return await runMemory(options);
  const rest = options.mode === "library"
    ? benchClient(options.baseUrl)
    : undefined;
  let errors = 0;
  let firstError: string | undefined;
  const send = async (i: number): Promise<void> => {
    const request = mixedRequest(i);
    try {
      if (rest) await sendLibrary(rest, request, i);
      else await sendFloor(options.baseUrl, request);
    } catch (error) {
      errors++;
      firstError ??= String(error);
    }
  };
  await pool(options.warmup, options.concurrency, 0, send);
  errors = 0;
  const meter = new Meter(options.requests);
  let done = 0;
  meter.start(0);
  await pool(
    options.requests,
    options.concurrency,
    options.warmup,
    async (i) => {
      await send(i);
      done++;
      if (done >= meter.nextLap) meter.lap(done);
      if ((done & SAMPLE_MASK) === 0) meter.sample();
    },
  );
  meter.stop();
  return {
    mode: options.mode,
    requests: options.requests,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    cpuUs: meter.cpuUs,
    windowCpuUs: meter.windows.slice(0, CPU_WINDOWS),
    wallMs: meter.wallMs,
    peakRss: peakRss(),
    peakHeap: meter.peakHeap,
  };
}

/** Run `count` tasks numbered from `first`, `concurrency` at a time. */
async function pool(
  count: number,
  concurrency: number,
  first: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(first + next++);
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, worker),
  );
}

/** The first channel of the queue and memory cases (answered in process). */
const QUEUE_CHANNEL = 1_900_000_000_000_000_000n;

/** A bucket hash's answers in the queue case: generous, as Discord's. */
const QUEUE_LIMIT = 1_000_000;

/**
 * The queue case: `requests` jobs through the client's rate limiter
 * (`clientLimiter`, as `RestClient` builds it), in rounds of `queued`
 * queued at once, `depth` to a channel (a lane and a bucket of its own):
 * every depth holds as many jobs at once, so only the lanes' depth
 * differs. The first job of a channel goes out alone (the bucket's
 * `remaining` is unknown until answered) and the rest queue behind it; its
 * answer (a bucket hash, `remaining` ample) lets them go, one dequeue each
 * from a queue `depth` deep down to empty. Every attempt is answered at
 * once, in process, with Discord's headers: no HTTP, so that what the
 * queue costs is not lost in what a request costs (through the loopback
 * server a request costs 50 times a job here).
 */
async function runQueue(options: RestCaseOptions): Promise<RestCaseResult> {
  const limiter = clientLimiter(realScheduler, 1e9);
  let errors = 0;
  let firstError: string | undefined;
  const fail = (error: unknown): void => {
    errors++;
    firstError ??= String(error);
  };
  let channel = QUEUE_CHANNEL;
  /** `depth` jobs on a channel of their own. */
  const lane = (): Promise<unknown> => {
    const route = parseRoute("POST", `/channels/${++channel}/messages`);
    let answered = 0;
    const attempt = (): Promise<AttemptResult<number>> =>
      Promise.resolve({
        type: "success",
        value: answered,
        rateLimit: {
          bucket: "messages",
          limit: QUEUE_LIMIT,
          remaining: QUEUE_LIMIT - ++answered,
          resetAfter: 60_000,
        },
      });
    return Promise.all(
      Array.from(
        { length: options.depth },
        () => limiter.schedule(route, attempt).catch(fail),
      ),
    );
  };
  /** `queued` jobs at once, in lanes `depth` deep. */
  const round = (): Promise<unknown> =>
    Promise.all(
      Array.from({ length: options.queued / options.depth }, lane),
    );
  // Warmed up the same way, so every depth runs the same code as hot.
  for (let left = options.warmup; left > 0; left -= options.queued) {
    await round();
  }
  errors = 0;
  let heapPerQueued: number | undefined;
  const gc = typeof (globalThis as { gc?: unknown }).gc === "function";
  const meter = new Meter(options.requests);
  meter.start(0);
  for (let sent = 0; sent < options.requests; sent += options.queued) {
    if (sent === 0 && gc) {
      // gc() is synchronous: no answer is taken between the two readings
      // (each lane's first job is in flight, the others queued).
      collectGarbage();
      const before = Deno.memoryUsage().heapUsed;
      const queued = round();
      collectGarbage();
      heapPerQueued = (Deno.memoryUsage().heapUsed - before) /
        options.queued;
      meter.sample();
      await queued;
    } else {
      const queued = round();
      meter.sample();
      await queued;
    }
  }
  meter.stop();
  return {
    mode: "queue",
    depth: options.depth,
    requests: options.requests,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    cpuUs: meter.cpuUs,
    windowCpuUs: [],
    wallMs: meter.wallMs,
    peakRss: peakRss(),
    peakHeap: meter.peakHeap,
    ...(heapPerQueued === undefined ? {} : { heapPerQueued }),
  };
}

/**
 * The `memory` case: `RestClient` with a `fetch` that holds every request
 * until released (answered then as the server does), so the heap can be
 * read with `requests` of them waiting: queued in one channel behind the
 * one in flight, then one in flight in each of `requests` channels (with
 * what the held `fetch` keeps of each: a closure, the parsed body), then
 * those buckets as the client keeps them once answered.
 */
async function runMemory(options: RestCaseOptions): Promise<RestCaseResult> {
  const held: (() => void)[] = [];
  const heldFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((resolve) => {
      const url = String(input);
      const channel = /channels\/(\d+)\//.exec(url)?.[1] ?? "0";
      const body = JSON.parse(String(init?.body ?? "{}"));
      held.push(() =>
        resolve(
          new Response(JSON.stringify(message("1", channel, body)), {
            headers: {
              "content-type": "application/json",
              "x-ratelimit-limit": String(QUEUE_LIMIT),
              "x-ratelimit-remaining": String(QUEUE_LIMIT - 1),
              "x-ratelimit-reset-after": "60.000",
              "x-ratelimit-bucket": "messages",
            },
          }),
        )
      );
    });
  const rest = new RestClient({
    token: BENCH_TOKEN,
    baseUrl: options.baseUrl,
    globalLimit: 1e9,
    fetch: heldFetch as typeof fetch,
  });
  let errors = 0;
  let firstError: string | undefined;
  const fail = (error: unknown): void => {
    errors++;
    firstError ??= String(error);
  };
  const body = { content: "held", allowed_mentions: { parse: [] } };
  /** Release what is held until every request is answered. */
  const drain = async (done: Promise<unknown>): Promise<void> => {
    let settled = false;
    done.finally(() => settled = true);
    while (!settled) {
      for (const release of held.splice(0)) release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  const started = performance.now();
  const count = options.requests;
  collectGarbage();
  const empty = Deno.memoryUsage().heapUsed;
  let channel = QUEUE_CHANNEL + 1_000_000n;
  const queued = Promise.all(
    Array.from(
      { length: count },
      () => rest.createMessage(String(channel), body).catch(fail),
    ),
  );
  // Let the first one reach `fetch` (the rest wait behind it).
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  const perQueuedRequest = (Deno.memoryUsage().heapUsed - empty) / count;
  await drain(queued);
  collectGarbage();
  const before = Deno.memoryUsage().heapUsed;
  const spread = Promise.all(
    Array.from(
      { length: count },
      () => rest.createMessage(String(++channel), body).catch(fail),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  const perBucketInFlight = (Deno.memoryUsage().heapUsed - before) / count;
  await drain(spread);
  collectGarbage();
  const perBucketKept = (Deno.memoryUsage().heapUsed - before) / count;
  return {
    mode: "memory",
    requests: 2 * count,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    cpuUs: 0,
    windowCpuUs: [],
    wallMs: performance.now() - started,
    peakRss: peakRss(),
    peakHeap: 0,
    memory: { perQueuedRequest, perBucketInFlight, perBucketKept, count },
  };
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const result = await runRestCase({
    baseUrl: flags.get("base-url")!,
    mode: flags.get("mode") as RestCaseMode,
    requests: Number(flags.get("requests")),
    warmup: Number(flags.get("warmup") ?? 0),
    concurrency: Number(flags.get("concurrency") ?? 16),
    depth: Number(flags.get("depth") ?? 1000),
    queued: Number(flags.get("queued") ?? 16_000),
  });
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result));
}
