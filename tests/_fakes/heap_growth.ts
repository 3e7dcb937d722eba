// Heap growth measured in a child process with a full collection before
// each reading (`--expose-gc`): the child script prints the growth in MB on
// its own line, and this runs it and reads that number.
import assert from "node:assert/strict";

/**
 * Run `child` (with `args`) under `--expose-gc` and return the heap growth,
 * in MB, it printed.
 */
export function heapGrowthOf(
  child: URL,
  ...args: string[]
): Promise<number> {
  return heapGrowthWith(["--allow-read"], child, ...args);
}

/**
 * {@linkcode heapGrowthOf} with the child's permissions given (e.g. to
 * reach a test server on loopback).
 */
export async function heapGrowthWith(
  permissions: readonly string[],
  child: URL,
  ...args: string[]
): Promise<number> {
  const output = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-check",
      ...permissions,
      "--v8-flags=--expose-gc",
      child.pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(output.code, 0);
  return Number(new TextDecoder().decode(output.stdout).trim());
}
