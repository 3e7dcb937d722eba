/**
 * The dispatch service benchmark (`deno task bench:dispatch`): events/s and
 * CPU per event from the gateway to a publish RabbitMQ confirmed, with the
 * broker on this machine, against a floor in the same run: a bare AMQP
 * publisher of the same bodies (persistent, confirmed, one channel). The
 * service runs as it ships (`dispatch/mod.ts`, a subprocess) against the
 * bench's loopback gateway server, once with the state cache off and once
 * with it on (every STATE_* resource in Redis).
 *
 * CPU is the measured process's user + system time (all its threads, from
 * /proc) between the first and the last message reaching a consumer in this
 * process; events/s is over the same window. RabbitMQ's own CPU is not
 * counted (it is the bottleneck: ~70–80 µs per persistent message here).
 *
 * Needs RabbitMQ and Redis: `DISRUPTION_TEST_AMQP_URL` and
 * `DISRUPTION_TEST_REDIS_URL` (as `.ci/services.sh` exports them).
 * Flags: `--events=N` (default 50000), `--profile` (sample the service's
 * CPU with V8's profiler through the inspector and print where its time
 * goes, by module).
 *
 * A cache-on run whose service's `dispatch_cache_stale` is 1 at its end (its
 * Redis cache dropped writes: Redis too slow, past 20,000 dispatches
 * waiting, or failing) skipped part of the cache's work: its row is marked
 * not comparable, as it would otherwise look cheaper than the cache is.
 *
 * @module
 */
import { AMQPClient } from "@cloudamqp/amqp-client";
import { parseFlags } from "./_measure.ts";
import { startAnnouncedServer } from "./_process.ts";

const flags = parseFlags(Deno.args);
const EVENTS = Number(flags.get("events") ?? 50_000);
const CONFIG = new URL("../deno.json", import.meta.url);
const QUEUE = "bench.dispatch";
/** `--profile`: sample the service's CPU (V8 profiler over the inspector). */
const PROFILE = flags.has("profile");

const amqpUrl = Deno.env.get("DISRUPTION_TEST_AMQP_URL");
const redisUrl = Deno.env.get("DISRUPTION_TEST_REDIS_URL");
if (!amqpUrl || !redisUrl) {
  // deno-lint-ignore no-console
  console.error(
    "The dispatch bench needs DISRUPTION_TEST_AMQP_URL and DISRUPTION_TEST_REDIS_URL (start them with .ci/services.sh: source it, then services_start)",
  );
  Deno.exit(1);
}

/** CPU seconds (user + system, all threads) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  // Deno reads /proc only with --allow-all; `cat` needs only --allow-run.
  const stat = new TextDecoder().decode(
    new Deno.Command("cat", { args: [`/proc/${pid}/stat`] }).outputSync()
      .stdout,
  );
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 (1-based), in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function script(name: string): string {
  return new URL(name, import.meta.url).pathname;
}

interface Row {
  name: string;
  eventsPerSecond: number;
  cpuUsPerEvent: number;
  /** Why its figures are not comparable, when they are not. */
  invalid?: string;
}

/** A free port on 127.0.0.1: the service's metrics, read for its cache. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/**
 * `true` when the service's `dispatch_cache_stale` gauge is 1: its Redis
 * cache lost writes (it stays 1 until a new session's READY, which the
 * bench's one session never sends), or was never fed.
 */
async function cacheStale(metricsPort: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  return /^dispatch_cache_stale 1$/m.test(await response.text());
}

async function startServer(): Promise<
  { url: string; stop: () => Promise<void> }
> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${CONFIG.pathname}`,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      script("_server.ts"),
      `--events=${EVENTS}`,
      "--compressions=none",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  });
  const server = await startAnnouncedServer<{ port: number }>(
    command,
    "bench server",
  );
  return {
    url: `ws://127.0.0.1:${server.announced.port}`,
    stop: server.stop,
  };
}

const INSPECT_PORT = 9339;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

/**
 * Attach to the service's inspector (it waits for us), start V8's sampling
 * profiler and let it run; `stop()` returns the self time by module.
 */
async function startProfiler(): Promise<{ stop(): Promise<string[]> }> {
  let target: string | undefined;
  for (let i = 0; i < 200 && target === undefined; i++) {
    try {
      const list = await (await fetch(
        `http://127.0.0.1:${INSPECT_PORT}/json/list`,
      )).json() as { webSocketDebuggerUrl: string }[];
      target = list[0]?.webSocketDebuggerUrl;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  if (target === undefined) {
    throw new Error("The service's inspector did not answer");
  }
  const socket = new WebSocket(target);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.onmessage = (message) => {
    const data = JSON.parse(String(message.data));
    if (data.id !== undefined) pending.get(data.id)?.(data.result);
  };
  const send = (method: string, params: unknown = {}): Promise<unknown> =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  await send("Runtime.runIfWaitingForDebugger");
  return {
    async stop(): Promise<string[]> {
      const { profile } = await send("Profiler.stop") as {
        profile: { nodes: ProfileNode[] };
      };
      socket.close();
      return summarize(profile.nodes);
    },
  };
}

/** Self samples by module (or by V8's pseudo-frames), largest first. */
function summarize(nodes: ProfileNode[]): string[] {
  const byKey = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url } = node.callFrame;
    if (functionName === "(idle)") continue;
    total += hits;
    let key: string;
    if (url === "") {
      key = functionName === "" ? "(anonymous native)" : functionName;
    } else if (url.includes("/npm/")) {
      key = "npm:" + (url.split("/npm/registry.npmjs.org/")[1] ?? url)
        .split("/").slice(0, url.includes("/@") ? 2 : 1).join("/");
    } else if (url.startsWith("ext:")) {
      key = "runtime " + url.split("/").slice(0, 2).join("/");
    } else {key = url.replace(/^.*\/(h12|disruption[^/]*)\//, "").replace(
        /^file:\/\/.*?\/((dispatch|gateway|base|rest|cache|redis|handler|types)\/)/,
        "$1",
      );}
    byKey.set(key, (byKey.get(key) ?? 0) + hits);
  }
  return [...byKey.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14).map((
    [key, hits],
  ) => `  ${(100 * hits / total).toFixed(1).padStart(5)} %  ${key}`);
}

/** Count messages on the bench queue; time the window first → last. */
async function measure(
  name: string,
  child: Deno.ChildProcess,
  channel: Awaited<ReturnType<AMQPClient["channel"]>>,
  total: number,
): Promise<Row> {
  let seen = 0;
  let startCpu = 0;
  let startTime = 0;
  let row: Row | undefined;
  let consumer: Promise<{ cancel(): Promise<unknown> }> | undefined;
  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(
      () => reject(new Error(`${name}: ${seen}/${total} after 300 s`)),
      300_000,
    );
    consumer = channel.basicConsume(QUEUE, { noAck: true }, () => {
      seen++;
      if (seen === 1) {
        startCpu = cpuSeconds(child.pid);
        startTime = performance.now();
      } else if (seen === total && row === undefined) {
        const cpu = cpuSeconds(child.pid) - startCpu;
        const seconds = (performance.now() - startTime) / 1000;
        row = {
          name,
          eventsPerSecond: (total - 1) / seconds,
          cpuUsPerEvent: (cpu * 1e6) / (total - 1),
        };
        clearTimeout(timeout);
        resolve();
      }
    });
    consumer.catch(reject);
  });
  await (await consumer!).cancel();
  return row!;
}

async function freshQueue(channel: Awaited<ReturnType<AMQPClient["channel"]>>) {
  await channel.exchangeDeclare("gateway", "topic", { durable: true });
  await channel.queueDeclare(QUEUE, { durable: false, autoDelete: false });
  await channel.queueBind(QUEUE, "gateway", "#");
  await channel.queuePurge(QUEUE);
}

const server = await startServer();
const rest = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () =>
    Response.json({
      url: `${server.url}/stream`,
      shards: 1,
      session_start_limit: {
        total: 1000,
        remaining: 1000,
        reset_after: 0,
        max_concurrency: 1,
      },
    }),
);
const amqp = new AMQPClient(amqpUrl);
await amqp.connect();
const channel = await amqp.channel();
const broker = new URL(amqpUrl);
const redis = new URL(redisUrl);
const rows: Row[] = [];
const profiles: { name: string; lines: string[] }[] = [];

try {
  // Floor: the same bodies from a bare publisher.
  await freshQueue(channel);
  const floor = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${CONFIG.pathname}`,
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      script("_dispatch_floor.ts"),
      `--url=${server.url}`,
      `--events=${EVENTS}`,
      `--amqp=${amqpUrl}`,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  rows.push(
    await measure("bare AMQP publisher (floor)", floor, channel, EVENTS + 1),
  );
  await floor.status;

  for (const cache of [false, true]) {
    await freshQueue(channel);
    const metricsPort = freePort();
    const env: Record<string, string> = {
      BOT_TOKEN: "bench",
      INTENTS: "36739",
      DISCORD_API_URL: `http://127.0.0.1:${rest.addr.port}/api/v10`,
      RABBIT_HOST: broker.hostname,
      RABBIT_PORT: broker.port || "5672",
      REDIS_HOST: redis.hostname,
      REDIS_PORT: redis.port || "6379",
      REDIS_DB: "12",
      DEFAULT_QUEUE: "false",
      RESUME: "false",
      PUBLISH_BUFFER: String(EVENTS + 10),
      PROMETHEUS_HOST: "127.0.0.1",
      PROMETHEUS_PORT: String(metricsPort),
      LOG_LEVEL: "warning",
    };
    if (cache) {
      for (
        const name of [
          "STATE_ENABLED",
          "STATE_MEMBER",
          "STATE_MESSAGE",
          "STATE_PRESENCE",
          "STATE_EMOJI",
          "STATE_VOICE",
        ]
      ) env[name] = "true";
    }
    const service = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        `--config=${CONFIG.pathname}`,
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-sys",
        ...(PROFILE ? [`--inspect-wait=127.0.0.1:${INSPECT_PORT}`] : []),
        script("../dispatch/mod.ts"),
      ],
      env,
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    const profiler = PROFILE ? await startProfiler() : undefined;
    const name = `dispatch service, cache ${
      cache ? "on (all STATE_*)" : "off"
    }`;
    const row = await measure(name, service, channel, EVENTS + 1);
    rows.push(row);
    if (profiler) profiles.push({ name, lines: await profiler.stop() });
    // Read before SIGTERM: the shutdown itself may lose the writes still
    // queued ("Connection is closed."), which the measured window did not.
    if (cache && await cacheStale(metricsPort)) {
      row.invalid = "cache dropped writes: not comparable";
    }
    service.kill("SIGTERM");
    await service.status;
  }
} finally {
  await channel.queueDelete(QUEUE).catch(() => {});
  await amqp.close();
  await rest.shutdown();
  await server.stop();
}

const floorCpu = rows[0]!.cpuUsPerEvent;
const lines = [
  `Dispatch service: ${EVENTS} events (the bench stream: 10 event types), gateway → RabbitMQ confirm, broker on this machine`,
  "",
  "| case | events/s | CPU µs/event | CPU vs floor |",
  "| --- | ---: | ---: | ---: |",
  ...rows.map((row) =>
    `| ${row.name} | ${
      Math.round(row.eventsPerSecond).toLocaleString("en")
    } | ${row.cpuUsPerEvent.toFixed(1)} | ${
      row.invalid ?? `${(row.cpuUsPerEvent / floorCpu).toFixed(2)}×`
    } |`
  ),
];
if (rows.some((row) => row.invalid !== undefined)) {
  lines.push(
    "",
    "(not comparable: the service's dispatch_cache_stale was 1 at the end of its run: its Redis cache dropped writes unapplied (Redis too slow, or failing; see its stderr above), so it did less than the cache's work)",
  );
}
if (profiles.length > 0) {
  lines.push(
    "",
    "(profiled run: the service's CPU figures above include the profiler's cost)",
  );
}
for (const profile of profiles) {
  lines.push(
    "",
    `Where the service's main thread spends its time (${profile.name}):`,
  );
  lines.push(...profile.lines);
}
// deno-lint-ignore no-console
console.log(lines.join("\n"));
