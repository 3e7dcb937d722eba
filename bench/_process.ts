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
