/**
 * Starting a benchmark's processes: each measured case in a fresh Deno
 * process of its own, pinned to a CPU where `taskset` works; and the line
 * naming the runtime and machine they ran on.
 *
 * @module
 */

/**
 * The command that starts a Deno process, pinned to `cpu` when pinning is
 * on and possible.
 *
 * @param args The arguments after the `deno` executable.
 * @param cpu The CPU to pin to (`undefined`: unpinned).
 * @param options The rest of the command's options.
 * @returns The command.
 */
export function denoCommand(
  args: string[],
  cpu: number | undefined,
  options: Omit<Deno.CommandOptions, "args">,
): Deno.Command {
  if (cpu !== undefined && pinningWorks()) {
    return new Deno.Command("taskset", {
      ...options,
      args: ["-c", String(cpu), Deno.execPath(), ...args],
    });
  }
  return new Deno.Command(Deno.execPath(), { ...options, args });
}

let pinning: boolean | undefined;

/**
 * Whether `taskset` runs here and there are two CPUs to pin to.
 *
 * @returns `true` when processes can be pinned.
 */
export function pinningWorks(): boolean {
  if (pinning === undefined) {
    try {
      pinning = navigator.hardwareConcurrency >= 2 &&
        new Deno.Command("taskset", { args: ["-c", "1", "true"] })
          .outputSync().success;
    } catch {
      pinning = false;
    }
  }
  return pinning;
}

/** A server process started by {@linkcode startAnnouncedServer}. */
export interface AnnouncedServer<T> {
  /** What the server said on its first line of output (JSON). */
  announced: T;
  /** End its standard input (its signal to stop) and wait for its exit. */
  stop(): Promise<void>;
}

/**
 * Start a benchmark's server process and wait for it to announce itself:
 * its first line on standard output, JSON (where it listens); it runs
 * until its standard input ends.
 *
 * @param command The server's command (spawned with stdin and stdout
 *   piped, stderr inherited).
 * @param name The server, for the error when it exits first.
 * @returns The announcement and a way to stop it.
 * @throws {Error} When it exits before announcing itself.
 */
export async function startAnnouncedServer<T>(
  command: Deno.Command,
  name: string,
): Promise<AnnouncedServer<T>> {
  const child = command.spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The ${name} exited before listening`);
    buffered += value;
  }
  return {
    announced: JSON.parse(buffered.split("\n")[0]!) as T,
    stop: async () => {
      await child.stdin.close();
      await reader.cancel();
      await child.status;
    },
  };
}

/**
 * The runtime and the machine, for a report's title.
 *
 * @param benchmark Which benchmark ("gateway", "REST").
 * @returns One line.
 */
export function machineTitle(benchmark: string): string {
  let memory = "";
  try {
    memory = `, ${
      (Deno.systemMemoryInfo().total / 1024 ** 3).toFixed(0)
    } GB RAM`;
  } catch {
    // No --allow-sys.
  }
  return `Disruption ${benchmark} benchmark: Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} CPUs${memory}`;
}
