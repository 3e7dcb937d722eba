// Tests that a script exits as soon as it is done: what lingers (a timer
// of a library's, a socket inside the runtime) is invisible to the test
// sanitizers, so the script runs in a subprocess and the time from its
// marked line to its exit is measured.
import { within } from "./watchdog.ts";

/** What {@linkcode runUntilExit} saw. */
export interface ExitLinger {
  /** The exit code. */
  code: number;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
  /** Milliseconds from the first stdout matching `marker` to the exit. */
  linger: number;
  /** Milliseconds from the spawn to the exit. */
  wall: number;
}

/**
 * Run `script` with `deno run --no-check --allow-net=127.0.0.1 --allow-env
 * --allow-read`, no colours and no proxy for loopback (the fakes are on
 * 127.0.0.1: a proxy in the caller's environment cannot reach them), until
 * it exits.
 *
 * @param script The script's URL.
 * @param marker The output after which the script should exit at once.
 * @param env More environment variables.
 * @throws {Error} When the script does not exit within the watchdog's time,
 * or never printed `marker`.
 */
export async function runUntilExit(
  script: URL,
  marker: string | RegExp,
  env: Record<string, string> = {},
): Promise<ExitLinger> {
  const started = performance.now();
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "--no-check",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      script.pathname,
    ],
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      FORCE_COLOR: "", // Deno lets FORCE_COLOR (set on some CI boxes) beat NO_COLOR
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      ...env,
    },
  }).spawn();
  try {
    const stderr = new Response(child.stderr).text();
    const decoder = new TextDecoder();
    let stdout = "";
    let markedAt: number | undefined;
    const exited = (async () => {
      for await (const chunk of child.stdout) {
        stdout += decoder.decode(chunk, { stream: true });
        if (
          markedAt === undefined &&
          (typeof marker === "string"
            ? stdout.includes(marker)
            : marker.test(stdout))
        ) {
          markedAt = performance.now();
        }
      }
      return await child.status;
    })();
    const { code } = await within(exited, `${script.pathname} to exit`);
    const exitedAt = performance.now();
    if (markedAt === undefined) {
      throw new Error(
        `${script.pathname} never printed ${marker}: ${stdout}${await stderr}`,
      );
    }
    return {
      code,
      stdout,
      stderr: await stderr,
      linger: exitedAt - markedAt,
      wall: exitedAt - started,
    };
  } finally {
    try {
      child.kill();
    } catch { /* exited */ }
  }
}
