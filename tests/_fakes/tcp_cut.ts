// A TCP relay on 127.0.0.1 in front of a real server, that a test can cut
// (every connection dropped, new ones refused) and restore on the same
// port: "Redis went away, then came back" without touching the server; or
// cut at a reply: "the server did it, and its answer was lost".

/** A relay that can be cut and restored. */
export interface TcpCut {
  /** `host:port` of the relay. */
  readonly port: number;
  /** Drop every relayed connection and refuse new ones. */
  cut(): void;
  /** Accept connections again. */
  restore(): void;
  /**
   * Once: swallow the next server reply that matches `pattern` (a read of
   * it, as Latin-1 text) and drop every connection; new ones are accepted.
   */
  cutAtReply(pattern: RegExp): void;
  /** Stop for good. */
  close(): Promise<void>;
}

/** Start a relay to `target` (a port on 127.0.0.1). */
export function tcpCut(target: number): TcpCut {
  let listener: Deno.TcpListener | undefined;
  let port = 0;
  const open = new Set<Deno.TcpConn>();
  const tasks = new Set<Promise<void>>();
  const pipe = async (from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> => {
    try {
      await from.readable.pipeTo(to.writable);
    } catch { /* the other side went away */ }
  };
  let replyPattern: RegExp | undefined;
  /** Server to client, unless a reply to swallow comes. */
  const answer = async (
    from: Deno.TcpConn,
    to: Deno.TcpConn,
  ): Promise<void> => {
    const writer = to.writable.getWriter();
    try {
      for await (const chunk of from.readable) {
        const text = new TextDecoder("latin1").decode(chunk);
        if (replyPattern?.test(text)) {
          replyPattern = undefined;
          dropAll();
          return;
        }
        await writer.write(chunk);
      }
      // The server closed: so does the client's side (as pipeTo does).
      await writer.close();
    } catch {
      /* the other side went away */
    } finally {
      writer.releaseLock();
    }
  };
  const serve = (l: Deno.TcpListener): Promise<void> =>
    (async () => {
      for await (const conn of l) {
        let upstream: Deno.TcpConn;
        try {
          upstream = await Deno.connect({
            hostname: "127.0.0.1",
            port: target,
          });
        } catch {
          conn.close();
          continue;
        }
        open.add(conn);
        open.add(upstream);
        const done = Promise.all([pipe(conn, upstream), answer(upstream, conn)])
          .then(() => {
            for (const c of [conn, upstream]) {
              open.delete(c);
              try {
                c.close();
              } catch { /* closed already */ }
            }
          });
        tasks.add(done);
        void done.finally(() => tasks.delete(done));
      }
    })();
  let serving: Promise<void> = Promise.resolve();
  const start = (): void => {
    listener = Deno.listen({ hostname: "127.0.0.1", port });
    port = (listener.addr as Deno.NetAddr).port;
    serving = serve(listener);
  };
  const dropAll = (): void => {
    for (const conn of open) {
      try {
        conn.close();
      } catch { /* closed already */ }
    }
    open.clear();
  };
  const stop = (): void => {
    listener?.close();
    listener = undefined;
    dropAll();
  };
  start();
  return {
    get port() {
      return port;
    },
    cut: stop,
    restore: start,
    cutAtReply: (pattern) => {
      replyPattern = pattern;
    },
    close: async () => {
      stop();
      await serving.catch(() => {});
      await Promise.all(tasks);
    },
  };
}
