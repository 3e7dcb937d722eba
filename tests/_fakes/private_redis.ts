// A redis-server of a test's own, to restart without its data (restarting
// the shared test server would fail every other test file running then):
// the Redis cache's and the fleet's data-loss tests; with a password
// (--requirepass), the tests of a refused login.
import { within } from "./watchdog.ts";

/**
 * A redis-server on a port the system picked, without persistence: what it
 * holds is lost when it stops.
 */
export class PrivateRedis {
  #process: Deno.ChildProcess | undefined;
  #drained: Promise<void> | undefined;
  readonly port: number;
  readonly #password: string | undefined;

  /** @param options `password`: what `AUTH` must give (none by default). */
  constructor(options: { password?: string } = {}) {
    this.#password = options.password;
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (listener.addr as Deno.NetAddr).port;
    listener.close();
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Start it, and wait until it says it accepts connections. */
  async start(): Promise<void> {
    this.#process = new Deno.Command("redis-server", {
      args: [
        ...["--port", String(this.port), "--bind", "127.0.0.1"],
        ...["--save", "", "--appendonly", "no"],
        ...(this.#password === undefined
          ? []
          : ["--requirepass", this.#password]),
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = this.#process.stdout
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let log = "";
    await within(
      (async () => {
        while (!log.includes("Ready to accept connections")) {
          const { done, value } = await reader.read();
          if (done) throw new Error(`redis-server did not start: ${log}`);
          log += value;
        }
      })(),
      "redis-server to start",
    );
    // The rest of its log is read and dropped (a full pipe would stall it).
    this.#drained = (async () => {
      while (!(await reader.read()).done) { /* dropped */ }
    })();
  }

  /**
   * Send it `signal` (`SIGSTOP` freezes it with its connections open,
   * `SIGCONT` lets it go on): through its child process, which needs no
   * `--allow-run` for `kill`, where `Deno.kill` of its pid would.
   */
  signal(signal: Deno.Signal): void {
    this.#process?.kill(signal);
  }

  /** Stop it (what it held is lost), and wait until it is gone. */
  async stop(): Promise<void> {
    this.#process?.kill("SIGKILL");
    await this.#process?.status;
    await this.#drained;
    this.#process = undefined;
  }
}
