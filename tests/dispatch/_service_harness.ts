// End-to-end harness for the dispatch service: the service runs as a real
// subprocess (deno run dispatch/mod.ts) against the loopback FakeDiscord,
// a real RabbitMQ (DISRUPTION_TEST_AMQP_URL) and a real Redis
// (DISRUPTION_TEST_REDIS_URL, database 11). A consumer in this process reads
// gateway.recv; a TCP proxy between the service and the broker can be cut
// to make the broker unreachable without stopping it.
import { AMQPClient } from "@cloudamqp/amqp-client";
import type { AMQPChannel } from "@cloudamqp/amqp-client";
import type { FakeDiscord } from "../../testing/fake_discord.ts";

export const REDIS_DB = 11;

/** One message read from gateway.recv. */
export interface Received {
  routingKey: string;
  body: {
    op: number;
    t: string;
    s: number;
    d: Record<string, unknown>;
    shard: number;
  };
}

/** Reads every message of gateway.recv (declared and emptied first). */
export class RecvConsumer {
  readonly messages: Received[] = [];
  #client: AMQPClient;
  #channel: AMQPChannel | undefined;
  #waiters = new Set<() => void>();

  constructor(url: string) {
    this.#client = new AMQPClient(url);
  }

  async start(): Promise<void> {
    await this.#client.connect();
    const channel = await this.#client.channel();
    this.#channel = channel;
    // A clean slate: the queues of an earlier test are gone.
    await channel.queueDelete("gateway.recv").catch(() => {});
    const fresh = await this.#client.channel();
    await fresh.queueDelete("gateway.send").catch(() => {});
    const ch = await this.#client.channel();
    this.#channel = ch;
    await ch.exchangeDeclare("gateway", "topic", { durable: true });
    await ch.queueDeclare("gateway.recv", { durable: true });
    await ch.queueBind("gateway.recv", "gateway", "#");
    await ch.queueDeclare("gateway.send", { durable: true });
    // Commands are confirmed: one the broker refuses (its channel closed)
    // fails the test where it is sent, not as a command never seen later.
    await ch.confirmSelect();
    await ch.basicConsume("gateway.recv", { noAck: true }, (message) => {
      this.messages.push({
        routingKey: message.routingKey,
        body: JSON.parse(message.bodyToString() ?? "null"),
      });
      for (const wake of this.#waiters) wake();
    });
  }

  /**
   * Read the queues as they are (declared by the test), without the clean
   * slate of {@linkcode RecvConsumer.start}.
   */
  async attach(): Promise<void> {
    await this.#client.connect();
    const channel = await this.#client.channel();
    this.#channel = channel;
    await channel.confirmSelect();
    await channel.basicConsume("gateway.recv", { noAck: true }, (message) => {
      this.messages.push({
        routingKey: message.routingKey,
        body: JSON.parse(message.bodyToString() ?? "null"),
      });
      for (const wake of this.#waiters) wake();
    });
  }

  /** Publish a command to gateway.send, confirmed by the broker. */
  async command(body: string): Promise<void> {
    await this.#channel!.basicPublish("", "gateway.send", body, {
      deliveryMode: 2,
    });
  }

  /** Resolve once `done()` holds, checked after every message. */
  until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`Timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  async close(): Promise<void> {
    await this.#client.close().catch(() => {});
  }
}

/** A TCP proxy on loopback whose connections can be cut. */
export class CuttableProxy {
  readonly port: number;
  #listener: Deno.Listener | undefined;
  #conns = new Set<Deno.Conn>();
  #pumps = new Set<Promise<void>>();
  #target: { hostname: string; port: number };
  #accepting: Promise<void> | undefined;

  constructor(target: { hostname: string; port: number }) {
    this.#target = target;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accepting = this.#accept(this.#listener);
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    for await (const inbound of listener) {
      let outbound: Deno.Conn;
      try {
        outbound = await Deno.connect(this.#target);
      } catch {
        inbound.close();
        continue;
      }
      this.#conns.add(inbound);
      this.#conns.add(outbound);
      const pump = (from: Deno.Conn, to: Deno.Conn): Promise<void> =>
        from.readable.pipeTo(to.writable).catch(() => {}).finally(() => {
          this.#closeConn(from);
          this.#closeConn(to);
        });
      const both = Promise.all([
        pump(inbound, outbound),
        pump(outbound, inbound),
      ]).then(() => {});
      this.#pumps.add(both);
      both.finally(() => this.#pumps.delete(both));
    }
  }

  #closeConn(conn: Deno.Conn): void {
    if (!this.#conns.delete(conn)) return;
    try {
      conn.close();
    } catch {
      // already closed by its stream
    }
  }

  /** Close every connection and refuse new ones (the port stays ours). */
  async cut(): Promise<void> {
    this.#listener?.close();
    this.#listener = undefined;
    await this.#accepting;
    for (const conn of [...this.#conns]) this.#closeConn(conn);
    await Promise.all([...this.#pumps]);
  }

  /** Accept connections again on the same port. */
  restore(): void {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.#accepting = this.#accept(this.#listener);
  }

  async close(): Promise<void> {
    await this.cut();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The variables of this process's environment among `names`. */
function inherited(names: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const name of names) {
    const value = Deno.env.get(name);
    if (value !== undefined) vars[name] = value;
  }
  return vars;
}

/** A free port on loopback. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * The output of the service run with `env` in a working directory of its
 * own, which `setUp` may fill (a `.env`) and which is removed afterwards:
 * a whole-suite run left a directory behind for each such test.
 */
export async function serviceOutput(
  env: Record<string, string>,
  setUp?: (cwd: string) => void,
): Promise<Deno.CommandOutput> {
  const cwd = Deno.makeTempDirSync({ prefix: "disruption_service_" });
  try {
    setUp?.(cwd);
    return await serviceCommand(env, cwd).output();
  } finally {
    Deno.removeSync(cwd, { recursive: true });
  }
}

/**
 * `deno run dispatch/mod.ts` in `cwd`, output piped. Its environment is
 * only `env` and what runs deno: a variable of the parent's environment,
 * e.g. REDIS_PORT from .ci/services.sh, must not configure the service
 * behind the test's back.
 */
export function serviceCommand(
  env: Record<string, string>,
  cwd: string,
): Deno.Command {
  const main = new URL("../../dispatch/mod.ts", import.meta.url);
  const config = new URL("../../deno.json", import.meta.url);
  return new Deno.Command("deno", {
    args: [
      "run",
      "--quiet",
      "--config",
      config.pathname,
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      main.pathname,
    ],
    clearEnv: true,
    env: {
      ...inherited(["PATH", "HOME", "DENO_DIR", "NO_PROXY", "no_proxy"]),
      ...env,
    },
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** The dispatch service as a subprocess. */
export class ServiceProcess {
  readonly metricsPort: number;
  readonly output: string[] = [];
  #child: Deno.ChildProcess;
  #status: Promise<Deno.CommandStatus>;
  #drained: Promise<void>;

  /** Start it with `env`, and `dotenv` as `.env` in its working directory. */
  constructor(env: Record<string, string>, dotenv?: string) {
    this.metricsPort = freePort();
    const cwd = Deno.makeTempDirSync({ prefix: "disruption_service_" });
    if (dotenv !== undefined) Deno.writeTextFileSync(`${cwd}/.env`, dotenv);
    this.#child = serviceCommand({
      PROMETHEUS_HOST: "127.0.0.1",
      PROMETHEUS_PORT: String(this.metricsPort),
      NO_COLOR: "1",
      ...env,
    }, cwd).spawn();
    const collect = async (stream: ReadableStream<Uint8Array>) => {
      for await (
        const chunk of stream.pipeThrough(new TextDecoderStream())
      ) this.output.push(chunk);
    };
    this.#drained = Promise.all([
      collect(this.#child.stdout),
      collect(this.#child.stderr),
    ]).then(() => {});
    // Its working directory goes with it, whoever waits for the exit.
    this.#status = this.#child.status.finally(() =>
      Deno.removeSync(cwd, { recursive: true })
    );
  }

  signal(signal: Deno.Signal): void {
    this.#child.kill(signal);
  }

  /** Wait for the exit and return its code. */
  async exit(ms = 30_000): Promise<number> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      this.#status,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.#child.kill("SIGKILL");
          reject(
            new Error(
              `the service did not exit in ${ms} ms:\n${this.output.join("")}`,
            ),
          );
        }, ms);
      }),
    ]).finally(() => clearTimeout(timer));
    await this.#drained;
    return status.code;
  }

  async get(path: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`http://127.0.0.1:${this.metricsPort}${path}`);
    return { status: response.status, text: await response.text() };
  }

  /** Poll an HTTP path until `done` holds (the service is another process). */
  async waitFor(
    path: string,
    done: (text: string, status: number) => boolean,
    what: string,
    ms = 20_000,
  ): Promise<string> {
    const deadline = Date.now() + ms;
    let last = "";
    while (Date.now() < deadline) {
      try {
        const { status, text } = await this.get(path);
        last = text;
        if (done(text, status)) return text;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `Timed out waiting for ${what}; last ${path}:\n${last}\noutput:\n${
        this.output.join("")
      }`,
    );
  }

  async stop(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.#status;
    await this.#drained;
  }
}

/** The environment for a service run against `discord`. */
export function serviceEnv(
  discord: FakeDiscord,
  amqp: { hostname: string; port: number },
  redisUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const redis = new URL(redisUrl);
  return {
    BOT_TOKEN: discord.token,
    INTENTS: "33281",
    DISCORD_API_URL: discord.clientOptions.restBaseUrl!,
    RABBIT_HOST: amqp.hostname,
    RABBIT_PORT: String(amqp.port),
    REDIS_HOST: redis.hostname,
    REDIS_PORT: redis.port || "6379",
    REDIS_DB: String(REDIS_DB),
    ...extra,
  };
}

/**
 * Check what a consumer got: per shard and session, sequences 1, 2, 3, …
 * with none missing; duplicates are counted (allowed only where asked).
 */
export function checkStream(messages: readonly Received[]): {
  perShard: Map<number, number>;
  duplicates: number;
  gaps: string[];
  misrouted: number;
} {
  const seen = new Map<string, Set<number>>();
  const sessionOf = new Map<number, string>();
  let duplicates = 0;
  let misrouted = 0;
  for (const { routingKey, body } of messages) {
    if (routingKey !== body.t || body.op !== 0) misrouted++;
    if (body.t === "READY") {
      sessionOf.set(body.shard, String(body.d.session_id));
    }
    const key = `${body.shard}/${sessionOf.get(body.shard)}`;
    const set = seen.get(key) ?? new Set<number>();
    seen.set(key, set);
    if (set.has(body.s)) duplicates++;
    set.add(body.s);
  }
  const perShard = new Map<number, number>();
  const gaps: string[] = [];
  for (const [key, set] of seen) {
    const max = Math.max(...set);
    for (let s = 1; s <= max; s++) {
      if (!set.has(s)) gaps.push(`${key}#${s}`);
    }
    const shard = Number(key.split("/")[0]);
    perShard.set(shard, (perShard.get(shard) ?? 0) + set.size);
  }
  return { perShard, duplicates, gaps, misrouted };
}

/**
 * Order check, per shard: every event is the next sequence, or one already
 * seen (a redelivered duplicate); never a jump ahead. A new session (READY)
 * starts again at 1.
 */
export function inOrder(messages: readonly Received[]): boolean {
  const last = new Map<number, number>();
  for (const { body } of messages) {
    if (body.t === "READY") last.set(body.shard, 0);
    const previous = last.get(body.shard) ?? 0;
    if (body.s > previous + 1) return false;
    if (body.s === previous + 1) last.set(body.shard, body.s);
  }
  return true;
}
