// A raw RESP server on 127.0.0.1 (a port the system picks) that answers as
// a test says: a server that accepts and never answers (frozen, a stalled
// network), one that answers the connection's setup and then freezes, one
// that refuses a SELECT. Not a Redis: it answers what the test needs.

/**
 * What the server answers to one command (its words); undefined: nothing;
 * null: the connection is closed without an answer (a reply lost with it).
 */
export type RespAnswer = (command: string[]) => string | undefined | null;

/** A running fake server. */
export interface RespFake {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** How many connections it accepted. */
  readonly accepted: number;
  /** Resolves once every connection it accepted was closed by the client. */
  allClosed(): Promise<void>;
  /** Stop listening, close every connection, and wait for their tasks. */
  close(): Promise<void>;
}

/**
 * The answers of a Redis that works (as far as ioredis's setup and a few
 * commands go): `HELLO` refused (ioredis falls back to RESP2), `SELECT` of
 * 0 to 15, `INFO` with a run_id, `QUIT` answered then the socket closed.
 */
export const workingRedis: RespAnswer = ([name, ...args]) => {
  switch (name?.toUpperCase()) {
    case "HELLO":
      return "-ERR unknown command 'HELLO'\r\n";
    case "SELECT":
      return /^\d+$/.test(args[0] ?? "")
        ? Number(args[0]) < 16 ? "+OK\r\n" : "-ERR DB index is out of range\r\n"
        : "-ERR value is not an integer or out of range\r\n";
    case "INFO": {
      const info = "# Server\r\nrun_id:0123456789abcdef\r\nloading:0\r\n";
      return `$${info.length}\r\n${info}\r\n`;
    }
    case "PING":
      return "+PONG\r\n";
    case "GET":
      return "$-1\r\n";
    default:
      return "+OK\r\n";
  }
};

/** Start a fake server answering with `answer`. */
export function respFake(answer: RespAnswer): RespFake {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const tasks: Promise<void>[] = [];
  let accepted = 0;
  const serve = async (conn: Deno.Conn): Promise<void> => {
    const buffer = new Uint8Array(65_536);
    let text = "";
    try {
      for (;;) {
        const read = await conn.read(buffer);
        if (read === null) break;
        text += new TextDecoder("latin1").decode(buffer.subarray(0, read));
        const [commands, rest] = parseCommands(text);
        text = rest;
        for (const command of commands) {
          const reply = answer(command);
          if (reply === null) return;
          if (reply === undefined) continue;
          await conn.write(new TextEncoder().encode(reply));
          if (command[0]?.toUpperCase() === "QUIT") return;
        }
      }
    } catch {
      /* closed by close() */
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch { /* closed already */ }
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        open.add(conn);
        tasks.push(serve(conn));
      }
    } catch { /* the listener closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get accepted() {
      return accepted;
    },
    allClosed: () => Promise.all(tasks).then(() => {}),
    close: async () => {
      try {
        listener.close();
      } catch { /* closed already */ }
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* closed already */ }
      }
      await accepting;
      await Promise.all(tasks);
    },
  };
}

/** The complete commands (arrays of bulk strings) in `text`, and the rest. */
function parseCommands(text: string): [string[][], string] {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    const head = text.indexOf("\r\n", at);
    if (text[at] !== "*" || head < 0) break;
    const count = Number(text.slice(at + 1, head));
    let position = head + 2;
    const words: string[] = [];
    for (let i = 0; i < count; i++) {
      const end = text.indexOf("\r\n", position);
      if (text[position] !== "$" || end < 0) return [commands, text.slice(at)];
      const length = Number(text.slice(position + 1, end));
      if (text.length < end + 2 + length + 2) {
        return [commands, text.slice(at)];
      }
      words.push(text.slice(end + 2, end + 2 + length));
      position = end + 2 + length + 2;
    }
    commands.push(words);
    at = position;
  }
  return [commands, text.slice(at)];
}
