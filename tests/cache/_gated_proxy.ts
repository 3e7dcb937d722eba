// A TCP proxy on loopback between a Redis client and the test server that
// can hold the client's next transaction (from its MULTI on) until told to
// let it through: a second process whose writes reach Redis late, after
// what another process wrote meanwhile, without any sleeping (the test
// waits on the proxy's promises).

/** The proxy: its URL, and the holding of transactions. */
export interface GatedProxy {
  /** The test server's URL with this proxy's port. */
  readonly url: string;
  /**
   * Hold the `nth` transaction the client starts from now on (1: the next
   * one; those before it go through).
   *
   * @returns When it is held (nothing of it reached the server).
   */
  holdTransaction(nth?: number): Promise<void>;
  /** Let a held transaction (and all after it) through. */
  release(): void;
  /** Close every socket and the listener. */
  close(): Promise<void>;
}

// How ioredis sends MULTI: a RESP array of one bulk string.
const MULTI = new TextEncoder().encode("*1\r\n$5\r\nmulti\r\n");

/** Where `pattern` starts in `bytes`, or -1. */
function indexOf(bytes: Uint8Array, pattern: Uint8Array): number {
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) {
      if (bytes[i + j] !== pattern[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/**
 * Start a proxy to the Redis server at `serverUrl`.
 *
 * @param serverUrl The server's URL (its path, the database, is kept).
 */
export function gatedProxy(serverUrl: string): GatedProxy {
  const target = new URL(serverUrl);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sockets = new Set<Deno.Conn>();
  const loops: Promise<void>[] = [];
  let countdown = 0;
  let onHeld: (() => void) | undefined;
  let held: Uint8Array[] | undefined;
  let heldTo: Deno.Conn | undefined;
  // Writes to one socket in order, even while another write is pending.
  const writers = new Map<Deno.Conn, Promise<unknown>>();
  const write = (to: Deno.Conn, data: Uint8Array): void => {
    const before = writers.get(to) ?? Promise.resolve();
    writers.set(
      to,
      before.then(async () => {
        for (let at = 0; at < data.length;) {
          at += await to.write(data.subarray(at));
        }
      }).catch(() => {}),
    );
  };
  const upstream = (to: Deno.Conn, data: Uint8Array): void => {
    if (held !== undefined) {
      held.push(data);
      return;
    }
    if (countdown > 0) {
      // Several MULTIs may come in one read; each counts.
      let rest = data;
      for (let at; (at = indexOf(rest, MULTI)) !== -1;) {
        if (--countdown === 0) {
          write(to, rest.subarray(0, at));
          held = [rest.slice(at)];
          heldTo = to;
          onHeld?.();
          return;
        }
        write(to, rest.subarray(0, at + MULTI.length));
        rest = rest.subarray(at + MULTI.length);
      }
      write(to, rest);
      return;
    }
    write(to, data);
  };
  const pipe = async (
    from: Deno.Conn,
    to: Deno.Conn,
    up: boolean,
  ): Promise<void> => {
    const buffer = new Uint8Array(65_536);
    try {
      for (let n; (n = await from.read(buffer)) !== null;) {
        const data = buffer.slice(0, n);
        if (up) upstream(to, data);
        else write(to, data);
      }
    } catch {
      // closed
    }
    await writers.get(to);
    try {
      to.close();
    } catch {
      // closed already
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      const server = await Deno.connect({
        hostname: target.hostname,
        port: Number(target.port || 6379),
      });
      sockets.add(client);
      sockets.add(server);
      loops.push(pipe(client, server, true), pipe(server, client, false));
    }
  })().catch(() => {});
  const url = new URL(serverUrl);
  url.hostname = "127.0.0.1";
  url.port = String((listener.addr as Deno.NetAddr).port);
  return {
    url: url.href,
    holdTransaction(nth = 1): Promise<void> {
      countdown = nth;
      return new Promise((resolve) => onHeld = resolve);
    },
    release(): void {
      const data = held ?? [];
      held = undefined;
      countdown = 0;
      for (const chunk of data) write(heldTo!, chunk);
    },
    async close(): Promise<void> {
      listener.close();
      for (const socket of sockets) {
        try {
          socket.close();
        } catch {
          // closed already
        }
      }
      await accepting;
      await Promise.all(loops);
      await Promise.all(writers.values());
    },
  };
}
