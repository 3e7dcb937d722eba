// A redis-server of a test's own that requires a password (--requirepass),
// on a port the system picked: the shared test server has none, and giving
// it one would fail every other test file.
import { within } from "../_fakes/watchdog.ts";

/** A running password-protected redis-server; stop it with `stop()`. */
export interface PasswordRedis {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Stop it, and wait until it is gone. */
  stop(): Promise<void>;
}

/**
 * Start a redis-server that requires `password`, and wait until it accepts
 * connections.
 *
 * @param password What `AUTH` must give.
 * @returns The running server.
 */
export async function startPasswordRedis(
  password: string,
): Promise<PasswordRedis> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const child = new Deno.Command("redis-server", {
    args: [
      ...["--port", String(port), "--bind", "127.0.0.1"],
      ...["--save", "", "--appendonly", "no"],
      ...["--requirepass", password],
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let log = "";
  try {
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
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  }
  // The rest of its log is read and dropped (a full pipe would stall it).
  const drained = (async () => {
    while (!(await reader.read()).done) { /* dropped */ }
  })();
  return {
    port,
    async stop(): Promise<void> {
      child.kill("SIGKILL");
      await child.status;
      await drained;
    },
  };
}
