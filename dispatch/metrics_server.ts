// The dispatch service's HTTP endpoint (GET /metrics, GET /healthcheck),
// kept apart from the service so its behaviour toward peers is one small,
// tested thing. It listens on PROMETHEUS_HOST, 0.0.0.0 by default as in
// twilight-dispatch, so anyone who can reach the port is a peer.
//
// Deno.serve has no cap on connections and no header timeout: a peer that
// opens connections and sends nothing holds a file descriptor each. When
// the process runs out of them, accepting fails and Deno.serve's `finished`
// promise rejects; unobserved, that rejection ended the whole service
// (measured: 19,970 idle connections under a 20,000 file limit, or 996
// under 1,024). Here it is logged and the endpoint listens again, backing
// off, so the service keeps running and the endpoint comes back once the
// descriptors are free.
import { getLogger } from "@logtape/logtape";
import { backoffDelay } from "../base/backoff.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";
import { urlHostPort } from "./config.ts";

const logger = getLogger(["disruption", "dispatch"]);
// Descriptors running out is for the operator to act on: shown on stderr
// unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "dispatch"]);

/** How Deno.serve is called (tests give a fake one). */
export type ServeFunction = (
  options: Deno.ServeTcpOptions,
  handler: Deno.ServeHandler,
) => Deno.HttpServer<Deno.NetAddr>;

/** Options for {@linkcode MetricsServer}. */
export interface MetricsServerOptions {
  /** The address to listen on. */
  hostname: string;
  /** The port (0: any free one, which the start's log line says). */
  port: number;
  /** The answer of each path served; any other path gets 404. */
  routes: Readonly<Record<string, () => Response | Promise<Response>>>;
  /** Times the wait before listening again. */
  scheduler: Scheduler;
  /** @default {Deno.serve} */
  serve?: ServeFunction;
}

/** The longest wait before listening again, in ms. */
const MAX_RELISTEN_DELAY = 30_000;

/**
 * The longest shutdown() waits for requests still open, in ms: Deno.serve's
 * shutdown waits for each, and a peer that sent part of a body held the
 * service's exit after SIGTERM for as long as it kept the connection.
 */
export const SHUTDOWN_WAIT_MS = 1_000;

/** The HTTP endpoint; it listens again when accepting connections fails. */
export class MetricsServer {
  readonly #options: MetricsServerOptions;
  readonly #serve: ServeFunction;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  /** The address listened on first: a port 0 stays the one it got. */
  readonly #addr: Deno.NetAddr;
  #retry: TimerId | undefined;
  #failures = 0;
  #closed = false;

  /**
   * Listen at once.
   *
   * @param options Where, what, and the scheduler.
   * @throws {Deno.errors.AddrInUse} The port is taken (or another error of
   * the first listen: the caller says which setting to change).
   */
  constructor(options: MetricsServerOptions) {
    this.#options = options;
    this.#serve = options.serve ?? Deno.serve;
    this.#server = this.#listen(options.port);
    this.#addr = this.#server.addr;
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

  /**
   * Stop listening, and stop trying to; wait for the requests still open
   * at most {@linkcode SHUTDOWN_WAIT_MS} (the process exits after this).
   */
  async shutdown(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== undefined) {
      this.#options.scheduler.clearTimeout(this.#retry);
      this.#retry = undefined;
    }
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    const { scheduler } = this.#options;
    if (!await settlesWithin(scheduler, server.shutdown(), SHUTDOWN_WAIT_MS)) {
      logger.warn(
        "The metrics endpoint still had a request open {ms} ms after shutdown began; not waiting for it",
        { ms: SHUTDOWN_WAIT_MS },
      );
    }
  }

  #listen(port: number): Deno.HttpServer<Deno.NetAddr> {
    const server = this.#serve({
      hostname: this.#options.hostname,
      port,
      onListen: () => {},
    }, (request) => this.#answer(request));
    server.finished.then(
      () => {},
      (error) => this.#stopped(server, error),
    );
    return server;
  }

  #answer(request: Request): Response | Promise<Response> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method Not Allowed", {
        status: 405,
        headers: { allow: "GET, HEAD" },
      });
    }
    let path: string;
    try {
      // The URL is built from the Host header, which a peer writes: a
      // malformed one threw here, a 500 with a stack trace on stderr for
      // every such request.
      path = new URL(request.url).pathname;
    } catch {
      return new Response("Bad Request", { status: 400 });
    }
    const route = Object.hasOwn(this.#options.routes, path)
      ? this.#options.routes[path]
      : undefined;
    return route ? route() : new Response("Not found", { status: 404 });
  }

  /** Accepting failed and the server ended: listen again, later. */
  #stopped(server: Deno.HttpServer<Deno.NetAddr>, error: unknown): void {
    if (this.#closed || server !== this.#server) return;
    this.#server = undefined;
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
        message: error instanceof Error ? error.message : String(error),
        hostname: this.#options.hostname,
        port: this.#addr.port,
        delay,
      },
    );
    this.#retry = this.#options.scheduler.setTimeout(() => {
      this.#retry = undefined;
      if (this.#closed) return;
      try {
        this.#server = this.#listen(this.#addr.port);
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
