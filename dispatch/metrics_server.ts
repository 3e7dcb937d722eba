// The dispatch service's HTTP endpoint (GET /metrics, GET /healthcheck),
// kept apart from the service so its behaviour toward peers is one small,
// tested thing. It listens on PROMETHEUS_HOST, 0.0.0.0 by default as in
// twilight-dispatch, so anyone who can reach the port is a peer.
//
// It was a Deno.serve, which caps neither connections nor the time a peer
// takes to send its request head, and exposes no setting for either: peers
// that opened connections and sent nothing, or a byte now and then, held a
// file descriptor each for as long as they liked (measured: 3,000 of them
// kept for 41 s; 19,970 idle connections under a 20,000 file limit), and
// the service's own connects to Redis, RabbitMQ and Discord failed with
// EMFILE meanwhile. So it accepts connections itself (Deno.listen) and
// answers with a deliberately small responder (http_responder.ts): at most
// MAX_CONNECTIONS open, a new one past that closing the oldest lingering
// one, else the oldest still waiting for its head, else the one whose
// answer its peer has stopped reading longest; HEAD_TIMEOUT_MS for the head,
// ANSWER_TIMEOUT_MS for the answer, WRITE_STALL_MS for each write of it;
// one request per connection.
//
// After the answer it closes its side only and reads what the peer still
// sends (LINGER_MS, LINGER_BYTES) before closing: closing with unread bytes
// (a pipelined request, a body) makes the kernel reset the connection and
// drop the answer's unsent end (measured: a 3 MB /metrics to a slow reader
// that had pipelined a second request ended in ECONNRESET after 32 KB).
// RFC 9112 §9.6 asks for this "lingering close".
//
// Accepting can still fail (descriptors taken by something else): that is
// logged and the endpoint listens again, backing off, so the service keeps
// running (an unobserved rejection of Deno.serve's `finished` had ended it).
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { backoffDelay } from "../base/backoff.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";
import { urlHostPort } from "./config.ts";
import {
  parseHead,
  readHead,
  type RequestHead,
  textResponse,
  writeResponse,
} from "./http_responder.ts";

const logger = getLogger(["disruption", "dispatch"]);
// Descriptors running out is for the operator to act on: shown on stderr
// unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "dispatch"]);

/** How Deno.listen is called (tests give a fake one). */
export type ListenFunction = (
  options: Deno.TcpListenOptions & { transport: "tcp" },
) => Deno.Listener<Deno.Conn, Deno.NetAddr>;

/** Options for {@linkcode MetricsServer}. */
export interface MetricsServerOptions {
  /** The address to listen on. */
  hostname: string;
  /** The port (0: any free one, which the start's log line says). */
  port: number;
  /** The answer of each path served; any other path gets 404. */
  routes: Readonly<Record<string, () => Response | Promise<Response>>>;
  /** Times the wait before listening again, and each connection's deadlines. */
  scheduler: Scheduler;
  /** @default {Deno.listen} */
  listen?: ListenFunction;
}

/** The longest wait before listening again, in ms. */
const MAX_RELISTEN_DELAY = 30_000;

/**
 * The most connections open at once: Prometheus scrapes with one, a few
 * more are health checks; past it, a new connection closes the oldest one
 * lingering or still waiting for its head, else the one whose peer stopped
 * reading its answer first (or, with none, is closed itself).
 */
export const MAX_CONNECTIONS = 64;

/** The time a peer has to send its whole request head, in ms. */
export const HEAD_TIMEOUT_MS = 5_000;

/**
 * The time an answer may take once the head is in, in ms (the routes
 * included: /metrics asks Redis), so no connection stays open for ever.
 */
export const ANSWER_TIMEOUT_MS = 30_000;

/**
 * The longest one write of an answer may take no byte, in ms: a /metrics
 * body is larger than the socket buffers (1.65 MB at 1,000 shards), so a
 * peer that asked and never reads held its connection for the whole
 * ANSWER_TIMEOUT_MS, and 64 of them had every health check refused.
 */
export const WRITE_STALL_MS = 5_000;

/**
 * How long a write must have waited on its peer, in ms, for its connection
 * to be closed for a new one when every slot is taken.
 */
const STALLED_FROM_MS = 1_000;

/**
 * The longest shutdown() waits for answers still being made or written,
 * in ms: a peer that never read its answer held the service's exit after
 * SIGTERM for as long as it kept the connection.
 */
export const SHUTDOWN_WAIT_MS = 1_000;

/**
 * The longest a connection lingers after its answer, in ms: time for the
 * peer to read the answer's end and close, not to hold a connection.
 */
export const LINGER_MS = 2_000;

/** The most bytes read and thrown away while lingering. */
export const LINGER_BYTES = 64 * 1024;

/**
 * Where a connection is: waiting for its head, being answered, or
 * lingering once answered.
 */
type Stage = "head" | "answering" | "lingering";

/** An open connection. */
interface Connection {
  conn: Deno.Conn;
  stage: Stage;
  /** Its deadline: the head's, the answer's, then the linger's. */
  timer: TimerId | undefined;
  /** The deadline of the write under way ({@linkcode WRITE_STALL_MS}). */
  stall: TimerId | undefined;
  /** When the write under way began, while one is. */
  writingSince: number | undefined;
  /** Settles when it is closed. */
  done: Promise<void>;
}

/** The HTTP endpoint; it listens again when accepting connections fails. */
export class MetricsServer {
  readonly #options: MetricsServerOptions;
  readonly #listenFunction: ListenFunction;
  #listener: Deno.Listener<Deno.Conn, Deno.NetAddr> | undefined;
  /** The address listened on first: a port 0 stays the one it got. */
  readonly #addr: Deno.NetAddr;
  /** Open connections, oldest first. */
  readonly #connections = new Set<Connection>();
  #retry: TimerId | undefined;
  #failures = 0;
  #closed = false;
  /** Whether the last connection was refused (the cap full of answers). */
  #refusing = false;

  /**
   * Listen at once.
   *
   * @param options Where, what, and the scheduler.
   * @throws {Deno.errors.AddrInUse} The port is taken (or another error of
   * the first listen: the caller says which setting to change).
   */
  constructor(options: MetricsServerOptions) {
    this.#options = options;
    this.#listenFunction = options.listen ?? Deno.listen;
    this.#listener = this.#listen(options.port);
    this.#addr = this.#listener.addr;
    // Always said, at info: with PROMETHEUS_PORT=0 it is the only place
    // the port chosen is shown.
    logger.info("The metrics endpoint listens on {address}", {
      address: urlHostPort(this.#addr.hostname, this.#addr.port),
    });
  }

  /** The address served on (the last one, while listening again). */
  get addr(): Deno.NetAddr {
    return this.#addr;
  }

  /** How many connections are open (at most {@linkcode MAX_CONNECTIONS}). */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * Stop listening, and stop trying to; close the connections still
   * waiting for their head or lingering after theirs, and wait for the
   * answers still being made at most {@linkcode SHUTDOWN_WAIT_MS} (the
   * process exits after this).
   */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retry !== undefined) {
      this.#options.scheduler.clearTimeout(this.#retry);
      this.#retry = undefined;
    }
    const listener = this.#listener;
    this.#listener = undefined;
    closeQuietly(listener);
    for (const connection of this.#connections) {
      if (connection.stage !== "answering") this.#drop(connection);
    }
    const answering = [...this.#connections].map((c) => c.done);
    if (answering.length === 0) return;
    const { scheduler } = this.#options;
    if (
      !await settlesWithin(scheduler, Promise.all(answering), SHUTDOWN_WAIT_MS)
    ) {
      logger.warn(
        "The metrics endpoint still had a request open {ms} ms after shutdown began; not waiting for it",
        { ms: SHUTDOWN_WAIT_MS },
      );
      for (const connection of this.#connections) this.#drop(connection);
    }
  }

  #listen(port: number): Deno.Listener<Deno.Conn, Deno.NetAddr> {
    const listener = this.#listenFunction({
      hostname: this.#options.hostname,
      port,
      transport: "tcp",
    });
    void this.#accept(listener);
    return listener;
  }

  async #accept(
    listener: Deno.Listener<Deno.Conn, Deno.NetAddr>,
  ): Promise<void> {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        this.#stopped(listener, error);
        return;
      }
      if (this.#closed || listener !== this.#listener) {
        closeQuietly(conn);
        return;
      }
      this.#admit(conn);
    }
  }

  /** Take a connection in, within the cap, with its head's deadline. */
  #admit(conn: Deno.Conn): void {
    if (this.#connections.size >= MAX_CONNECTIONS) {
      // A lingering peer has its answer already: it goes first. A peer
      // not reading its answer goes last, before a health check is refused.
      const idle = this.#oldest("lingering") ?? this.#oldest("head") ??
        this.#stalledLongest();
      if (idle === undefined) {
        this.#refuse(conn);
        return;
      }
      logger.debug(
        "The metrics endpoint has {max} connections open; closing the oldest one answered, still waiting for its request or not reading its answer",
        { max: MAX_CONNECTIONS },
      );
      this.#drop(idle);
    }
    this.#refusing = false;
    const connection: Connection = {
      conn,
      stage: "head",
      timer: undefined,
      stall: undefined,
      writingSince: undefined,
      done: Promise.resolve(),
    };
    this.#deadline(connection, HEAD_TIMEOUT_MS);
    this.#connections.add(connection);
    connection.done = this.#serve(connection);
  }

  /** The oldest open connection at `stage`. */
  #oldest(stage: Stage): Connection | undefined {
    for (const connection of this.#connections) {
      if (connection.stage === stage) return connection;
    }
    return undefined;
  }

  /**
   * The connection whose write has waited on its peer longest, if that is
   * at least {@linkcode STALLED_FROM_MS}: a scrape still reading waits a
   * moment for the kernel's buffer to drain, and was cut for a health check.
   */
  #stalledLongest(): Connection | undefined {
    let stalled: Connection | undefined;
    const before = this.#options.scheduler.now() - STALLED_FROM_MS;
    for (const connection of this.#connections) {
      const since = connection.writingSince;
      if (
        since !== undefined && since <= before &&
        (stalled === undefined || since < stalled.writingSince!)
      ) stalled = connection;
    }
    return stalled;
  }

  /**
   * Close a connection past the cap, with every one open being answered;
   * said once a streak (a flood would log a line each), as health checks
   * fail meanwhile.
   */
  #refuse(conn: Deno.Conn): void {
    closeQuietly(conn);
    if (this.#refusing) return;
    this.#refusing = true;
    logger.warn(
      "The metrics endpoint has {max} connections open, all being answered; refusing new connections until one closes",
      { max: MAX_CONNECTIONS },
    );
  }

  #deadline(connection: Connection, ms: number): void {
    const { scheduler } = this.#options;
    if (connection.timer !== undefined) {
      scheduler.clearTimeout(connection.timer);
    }
    connection.timer = scheduler.setTimeout(() => {
      connection.timer = undefined;
      this.#drop(connection);
    }, ms);
  }

  /** Close a connection (at most once) and forget it. */
  #drop(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    if (connection.timer !== undefined) {
      this.#options.scheduler.clearTimeout(connection.timer);
      connection.timer = undefined;
    }
    if (connection.stall !== undefined) {
      this.#options.scheduler.clearTimeout(connection.stall);
      connection.stall = undefined;
    }
    closeQuietly(connection.conn);
  }

  /** Read one request, answer it, linger, close. */
  async #serve(connection: Connection): Promise<void> {
    try {
      const read = await readHead(connection.conn);
      if (read.type === "ended" || !this.#connections.has(connection)) return;
      connection.stage = "answering";
      this.#deadline(connection, ANSWER_TIMEOUT_MS);
      const head = read.type === "head" ? parseHead(read.text) : undefined;
      const response = read.type === "too_large"
        ? textResponse(431, "Request Header Fields Too Large")
        : await this.#answer(head);
      if (!this.#connections.has(connection)) return;
      await writeResponse(
        { write: (bytes) => this.#write(connection, bytes) },
        response,
        head?.method === "HEAD",
      );
      if (!this.#connections.has(connection) || this.#closed) return;
      await this.#linger(connection);
    } catch {
      // Reading or writing failed: the peer left, or a deadline, the cap
      // or shutdown closed the connection.
    } finally {
      this.#drop(connection);
    }
  }

  /**
   * One write of the answer; the connection is closed when its peer takes
   * no byte of it for {@linkcode WRITE_STALL_MS}.
   */
  async #write(connection: Connection, bytes: Uint8Array): Promise<number> {
    const { scheduler } = this.#options;
    connection.writingSince = scheduler.now();
    connection.stall = scheduler.setTimeout(() => {
      connection.stall = undefined;
      logger.debug(
        "The metrics endpoint closes a connection whose peer read none of its answer for {ms} ms",
        { ms: WRITE_STALL_MS },
      );
      this.#drop(connection);
    }, WRITE_STALL_MS);
    try {
      return await connection.conn.write(bytes);
    } finally {
      if (connection.stall !== undefined) {
        scheduler.clearTimeout(connection.stall);
        connection.stall = undefined;
      }
      connection.writingSince = undefined;
    }
  }

  /**
   * Close the writing side, so the peer sees the answer end, and read what
   * it still sends until it closes, or LINGER_MS or LINGER_BYTES pass.
   */
  async #linger(connection: Connection): Promise<void> {
    connection.stage = "lingering";
    this.#deadline(connection, LINGER_MS);
    await connection.conn.closeWrite();
    const buffer = new Uint8Array(4096);
    let discarded = 0;
    while (discarded < LINGER_BYTES) {
      const read = await connection.conn.read(buffer);
      if (read === null) return;
      discarded += read;
    }
  }

  async #answer(head: RequestHead | undefined): Promise<Response> {
    if (head === undefined) return textResponse(400, "Bad Request");
    if (head.method !== "GET" && head.method !== "HEAD") {
      return textResponse(405, "Method Not Allowed", { allow: "GET, HEAD" });
    }
    // A Host or target no URL takes was a 400 under Deno.serve too.
    if (head.path === undefined) return textResponse(400, "Bad Request");
    const route = Object.hasOwn(this.#options.routes, head.path)
      ? this.#options.routes[head.path]
      : undefined;
    if (!route) return textResponse(404, "Not found");
    try {
      return await route();
    } catch (error) {
      logger.error("The metrics endpoint failed to answer {path}: {error}", {
        path: head.path,
        error,
      });
      return textResponse(500, "Internal Server Error");
    }
  }

  /** Accepting failed: listen again, later. */
  #stopped(
    listener: Deno.Listener<Deno.Conn, Deno.NetAddr>,
    error: unknown,
  ): void {
    if (this.#closed || listener !== this.#listener) return;
    this.#listener = undefined;
    closeQuietly(listener);
    this.#schedule(error);
  }

  #schedule(error: unknown): void {
    this.#failures++;
    const delay = backoffDelay(this.#failures, {
      max: MAX_RELISTEN_DELAY,
      jitter: 0,
    });
    visible.error(
      "The metrics endpoint stopped accepting connections ({message}); listening on {hostname}:{port} again in {delay} ms",
      {
        message: errorText(error),
        hostname: this.#options.hostname,
        port: this.#addr.port,
        delay,
      },
    );
    this.#retry = this.#options.scheduler.setTimeout(() => {
      this.#retry = undefined;
      if (this.#closed) return;
      try {
        this.#listener = this.#listen(this.#addr.port);
        this.#failures = 0;
        logger.info("The metrics endpoint listens again on {hostname}:{port}", {
          hostname: this.#options.hostname,
          port: this.#addr.port,
        });
      } catch (listenError) {
        this.#schedule(listenError);
      }
    }, delay);
  }
}

/** Close a connection or listener that may be closed already. */
function closeQuietly(closer: { close(): void } | undefined): void {
  try {
    closer?.close();
  } catch {
    // Closed already.
  }
}
