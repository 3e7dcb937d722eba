// A TCP proxy in front of a test's own redis-server that can freeze (hold
// every command while the connection stays open: the client's status stays
// `ready`), from a call or at the first command of a kind, and the
// redis-server of a test's own: for the dispatch service's tests of a Redis
// that stops answering.
import { PrivateRedis } from "../_fakes/private_redis.ts";

/** The commands (RESP arrays) at the start of `bytes`, and what is left. */
function splitCommands(bytes: Uint8Array): [number, Uint8Array] {
  let count = 0;
  let at = 0;
  const line = (from: number): [number, number] | undefined => {
    const end = bytes.indexOf(0x0d, from);
    if (end < 0 || end + 1 >= bytes.length) return undefined;
    const value = Number(
      new TextDecoder().decode(bytes.subarray(from + 1, end)),
    );
    return [value, end + 2];
  };
  for (;;) {
    const header = line(at);
    if (!header) break;
    let [items, next] = header;
    let complete = true;
    while (items-- > 0) {
      const bulk = line(next);
      if (!bulk || bulk[1] + bulk[0] + 2 > bytes.length) {
        complete = false;
        break;
      }
      next = bulk[1] + bulk[0] + 2;
    }
    if (!complete) break;
    count++;
    at = next;
  }
  return [count, bytes.slice(at)];
}

/**
 * A TCP proxy that forwards until frozen, then holds every byte; when made
 * to fail, it answers every command itself with an error instead.
 */
export class FreezableProxy {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  readonly #listener: Deno.TcpListener;
  readonly #conns: Deno.Conn[] = [];
  #thawed = Promise.withResolvers<void>();
  #frozen = false;
  #failing: string | undefined;
  #freezeOn: RegExp | undefined;
  readonly #froze = Promise.withResolvers<void>();

  /** @param target The redis-server it forwards to. */
  constructor(target: { hostname: string; port: number }) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#listener = listener;
    this.port = listener.addr.port;
    (async () => {
      for await (const inbound of listener) {
        const outbound = await Deno.connect(target);
        this.#conns.push(inbound, outbound);
        this.#pump(inbound, outbound, true);
        this.#pump(outbound, inbound, false);
      }
    })().catch(() => {});
  }

  async #pump(from: Deno.Conn, to: Deno.Conn, up: boolean): Promise<void> {
    const buffer = new Uint8Array(65_536);
    let pending: Uint8Array = new Uint8Array(0);
    try {
      while (true) {
        const n = await from.read(buffer);
        if (n === null) break;
        // Commands wait; replies to commands already through do not: a
        // save's second command sent a moment before the freeze had its
        // reply held and passed at the thaw, so the save meant to stall
        // succeeded then (1 run in 5).
        if (
          up && this.#freezeOn?.test(
            new TextDecoder().decode(buffer.subarray(0, n)),
          )
        ) {
          // Held too: the command it was set for goes unanswered.
          this.#freezeOn = undefined;
          this.freeze();
        }
        if (up && this.#frozen) await this.#thawed.promise;
        if (up && this.#failing !== undefined) {
          const joined = new Uint8Array(pending.length + n);
          joined.set(pending);
          joined.set(buffer.subarray(0, n), pending.length);
          const [count, rest] = splitCommands(joined);
          pending = rest;
          const error = new TextEncoder().encode(`-${this.#failing}\r\n`);
          for (let i = 0; i < count; i++) await from.write(error);
          continue;
        }
        await to.write(buffer.subarray(0, n));
      }
    } catch {
      // Closed at the end of the test.
    }
    for (const conn of [from, to]) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }

  /** Hold every command from now on (until {@linkcode thaw}). */
  freeze(): void {
    this.#frozen = true;
    this.#froze.resolve();
  }

  /**
   * Freeze at the first command whose bytes match `pattern` (`/MGET/`: the
   * session load), that command included.
   */
  freezeOn(pattern: RegExp): void {
    this.#freezeOn = pattern;
  }

  /** Whether it holds the commands now. */
  get frozen(): boolean {
    return this.#frozen;
  }

  /** Resolves once the proxy froze (the first time). */
  get froze(): Promise<void> {
    return this.#froze.promise;
  }

  /** Answer every command with `-<error>` (`undefined`: forward again). */
  fail(error: string | undefined): void {
    this.#failing = error;
  }

  /** Forward again, the held commands first. */
  thaw(): void {
    this.#frozen = false;
    this.#thawed.resolve();
    this.#thawed = Promise.withResolvers<void>();
  }

  /** Stop listening and close every connection. */
  close(): void {
    this.thaw();
    this.#listener.close();
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }
}

/**
 * Run `body` against a redis-server of its own: these tests freeze their
 * Redis and count its keys, and the shared test server's databases belong
 * to other files (service_e2e_test.ts's sessions were flushed mid-test).
 */
export async function withOwnRedis(
  body: (url: string) => Promise<void>,
): Promise<void> {
  const server = new PrivateRedis();
  await server.start();
  try {
    await body(server.url);
  } finally {
    await server.stop();
  }
}
