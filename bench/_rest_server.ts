/**
 * The REST benchmark's loopback server: answers the routes the benchmark
 * sends as Discord does (JSON bodies, `X-RateLimit-Limit`, `-Remaining`,
 * `-Reset`, `-Reset-After` and `-Bucket` on every answer, 204 to an
 * interaction callback), counting each bucket's requests in fixed windows
 * and answering 429 past the limit, so a client that does not wait for a
 * bucket's reset is caught (`GET /stats` says how many 429s and 401s it
 * sent).
 *
 * - `POST /api/v10/channels/{id}/messages`: the created message (about
 *   1 KB: author, mentions, an embed); bucket `messages` per channel.
 * - `GET /api/v10/guilds/{id}/members/{user}`: a member; bucket `members`.
 * - `POST /api/v10/interactions/{id}/{token}/callback`: 204; bucket
 *   `callback` per interaction.
 *
 * Every bucket allows {@linkcode RestServerOptions.limit} requests per
 * {@linkcode RestServerOptions.windowMs} (by default 1,000,000 a minute:
 * the limiter never waits).
 *
 * Run as a subprocess by `rest_bench.ts` (it prints `{"port":…}` once
 * ready and exits when its stdin closes), or in process by the smoke test.
 *
 * @module
 */
import { parseFlags } from "./_measure.ts";

/** The bot token the server accepts (`Authorization: Bot …`). */
export const BENCH_TOKEN =
  "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GbEnCh.bench-token-bench-token-bench-token12";

/** Options for {@linkcode startRestServer}. */
export interface RestServerOptions {
  /**
   * Requests per window of every bucket.
   *
   * @default {1000000}
   */
  limit?: number;
  /**
   * The buckets' window, ms.
   *
   * @default {60000}
   */
  windowMs?: number;
}

/** What the server answered so far. */
export interface RestServerStats {
  /** Requests answered. */
  requests: number;
  /** 429s sent (a request past its bucket's limit). */
  tooMany: number;
  /** 401s sent (a bot route without the bench's token). */
  unauthorized: number;
  /** 404s sent (a route the server does not know). */
  notFound: number;
}

/** A running server. */
export interface RestServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/api/v10`. */
  readonly baseUrl: string;
  /** What it answered so far. */
  stats(): RestServerStats;
  /** Stop listening. */
  close(): Promise<void>;
}

interface Window {
  startedAt: number;
  count: number;
}

const MESSAGE_PATH = /^\/api\/v10\/channels\/(\d+)\/messages$/;
const MEMBER_PATH = /^\/api\/v10\/guilds\/(\d+)\/members\/(\d+)$/;
const CALLBACK_PATH = /^\/api\/v10\/interactions\/(\d+)\/([^/]+)\/callback$/;

const BOT_USER = {
  id: "1100000000000000001",
  username: "bench-bot",
  avatar: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
  discriminator: "0",
  public_flags: 0,
  flags: 0,
  bot: true,
  banner: null,
  accent_color: null,
  global_name: "Bench Bot",
  avatar_decoration_data: null,
  banner_color: null,
  clan: null,
  primary_guild: null,
};

/**
 * Start the server on a free port of 127.0.0.1.
 *
 * @param options The buckets' limit.
 * @returns The server.
 */
export function startRestServer(options: RestServerOptions = {}): RestServer {
  const limit = options.limit ?? 1_000_000;
  const windowMs = options.windowMs ?? 60_000;
  const stats: RestServerStats = {
    requests: 0,
    tooMany: 0,
    unauthorized: 0,
    notFound: 0,
  };
  const windows = new Map<string, Window>();
  let messageId = 1_300_000_000_000_000_000n;

  /**
   * Count a request against its bucket's window; the headers to send, and
   * whether it was over the limit.
   */
  function count(
    hash: string,
    major: string,
  ): { headers: Record<string, string>; over: boolean } {
    const now = performance.now();
    const key = `${hash}:${major}`;
    let window = windows.get(key);
    if (window === undefined || now >= window.startedAt + windowMs) {
      if (windows.size > 100_000) prune(now);
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count++;
    // Rounded up and a millisecond added: the client's real clock reads
    // whole milliseconds rounded down, and a reset it reckons a little
    // early would send into a window this server still counts.
    const resetAfter = Math.ceil(window.startedAt + windowMs - now) + 1;
    return {
      over: window.count > limit,
      headers: {
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": String(Math.max(0, limit - window.count)),
        "x-ratelimit-reset": ((Date.now() + resetAfter) / 1000).toFixed(3),
        "x-ratelimit-reset-after": (resetAfter / 1000).toFixed(3),
        "x-ratelimit-bucket": hash,
      },
    };
  }

  function prune(now: number): void {
    for (const [key, window] of windows) {
      if (now >= window.startedAt + windowMs) windows.delete(key);
    }
  }

  function answer(
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): Response {
    if (status === 429) stats.tooMany++;
    if (status === 401) stats.unauthorized++;
    if (status === 404) stats.notFound++;
    if (body === undefined) return new Response(null, { status, headers });
    return new Response(JSON.stringify(body), {
      status,
      headers: { ...headers, "content-type": "application/json" },
    });
  }

  async function handle(request: Request): Promise<Response> {
    stats.requests++;
    const url = new URL(request.url);
    if (url.pathname === "/stats") return answer(200, stats);
    const bot = request.headers.get("authorization") === `Bot ${BENCH_TOKEN}`;
    let match = MESSAGE_PATH.exec(url.pathname);
    if (match && request.method === "POST") {
      if (!bot) return answer(401, { message: "401: Unauthorized", code: 0 });
      const channel = match[1]!;
      const { headers, over } = count("messages", channel);
      const body = await request.json() as { content?: string };
      if (over) return tooMany(headers);
      return answer(200, message(String(++messageId), channel, body), headers);
    }
    match = MEMBER_PATH.exec(url.pathname);
    if (match && request.method === "GET") {
      if (!bot) return answer(401, { message: "401: Unauthorized", code: 0 });
      const { headers, over } = count("members", match[1]!);
      if (over) return tooMany(headers);
      return answer(200, member(match[2]!), headers);
    }
    match = CALLBACK_PATH.exec(url.pathname);
    if (match && request.method === "POST") {
      const { headers, over } = count("callback", match[1]!);
      await request.arrayBuffer();
      if (over) return tooMany(headers);
      return answer(204, undefined, headers);
    }
    await request.arrayBuffer();
    return answer(404, { message: "404: Not Found", code: 0 });
  }

  function tooMany(headers: Record<string, string>): Response {
    const retryAfter = Number(headers["x-ratelimit-reset-after"]);
    return answer(429, {
      message: "You are being rate limited.",
      retry_after: retryAfter,
      global: false,
    }, { ...headers, "retry-after": String(Math.ceil(retryAfter)) });
  }

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, handle);
  const close = async (): Promise<void> => {
    await server.shutdown();
  };
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/api/v10`,
    stats: () => ({ ...stats }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The message Discord answers a create with (about 1 KB of JSON).
 *
 * @param id The message's id.
 * @param channelId Its channel.
 * @param body What was sent.
 * @returns The message.
 */
export function message(
  id: string,
  channelId: string,
  body: { content?: string },
): unknown {
  return {
    type: 0,
    content: body.content ?? "",
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [{
      type: "rich",
      title: "Bench",
      description: "A reply with an embed, as a bot sends one.",
      color: 5793266,
      fields: [
        { name: "Queue", value: "12 waiting", inline: true },
        { name: "Latency", value: "48 ms", inline: true },
      ],
    }],
    timestamp: "2026-12-07T20:00:00.000000+00:00",
    edited_timestamp: null,
    flags: 0,
    components: [],
    id,
    channel_id: channelId,
    author: BOT_USER,
    pinned: false,
    mention_everyone: false,
    tts: false,
  };
}

/** A guild member as `GET /guilds/{id}/members/{user}` answers it. */
function member(userId: string): unknown {
  return {
    avatar: null,
    banner: null,
    communication_disabled_until: null,
    flags: 0,
    joined_at: "2024-03-01T12:00:00.000000+00:00",
    nick: "member",
    pending: false,
    premium_since: null,
    roles: ["1200000000000000001", "1200000000000000002"],
    unusual_dm_activity_until: null,
    user: { ...BOT_USER, id: userId, username: "member", bot: undefined },
    mute: false,
    deaf: false,
  };
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const server = startRestServer({
    limit: Number(flags.get("limit") ?? 1_000_000),
    windowMs: Number(flags.get("window") ?? 60_000),
  });
  const encoder = new TextEncoder();
  await Deno.stdout.write(
    encoder.encode(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`),
  );
  // Until the benchmark closes our stdin.
  for await (const _ of Deno.stdin.readable) { /* nothing is sent */ }
  await server.close();
}
