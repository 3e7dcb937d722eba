/**
 * The layer check: fails when a module of the library imports one from a
 * layer above its own, when library modules import each other in a circle,
 * or when one uses the runtime's clock or timers instead of a `Scheduler`.
 * The rules are {@linkcode ALLOWED_IMPORTS} and {@linkcode OWN_TIMERS};
 * ARCHITECTURE.md explains them.
 *
 * Run with `deno task layers` (also a step of `.ci/run` and `deno task ok`).
 * The import graph comes from `deno info --json` over every `.ts` file of the
 * library folders, so type-only and dynamic imports count too.
 *
 * @module
 */

/**
 * For each folder of the library, the folders its modules may import
 * (besides their own). A new folder must be added here before the check
 * passes; that is the moment to decide where it sits. `"."` is the root
 * (`mod.ts`).
 */
export const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  types: [],
  base: ["types"],
  gateway: ["types", "base"],
  rest: ["types", "base"],
  // The Client feeds the in-memory cache (its `cache` option) and hands
  // handlers the previous state; the cache knows nothing of handlers.
  handler: ["types", "base", "gateway", "rest", "cache"],
  // The shared Redis connection layer, whose session store and identify
  // queue implement gateway's interfaces; the cache, a reducer over
  // dispatches with stores behind an interface (one of them on Redis);
  // interactions on rest/ and handler/; the dispatch service and the fleet
  // above all of those.
  redis: ["types", "base", "gateway"],
  cache: ["types", "base", "gateway", "redis"],
  interactions: ["types", "base", "rest", "handler"],
  dispatch: ["types", "base", "gateway", "rest", "handler", "cache", "redis"],
  fleet: ["types", "base", "gateway", "rest", "handler", "cache", "redis"],
  // The curated face re-exports the library, never the fakes.
  ".": [
    "types",
    "base",
    "gateway",
    "rest",
    "handler",
    "redis",
    "cache",
    "interactions",
    "dispatch",
    "fleet",
  ],
};

/**
 * Folders above the library: they may import anything, and nothing in the
 * library may import them. `testing/` is published (the fakes); the others
 * are not.
 */
export const ABOVE_THE_LIBRARY: readonly string[] = [
  "testing",
  "tests",
  "examples",
  "bench",
];

/**
 * Folders whose modules may import each other in a circle: the wire shapes
 * in `types/` mirror Discord's object graph, which refers to itself (a
 * message carries an interaction's metadata, an interaction a message).
 * Those imports are type-only and erased at run time.
 */
export const CYCLES_ALLOWED_IN: readonly string[] = ["types"];

/**
 * Library modules allowed to call the runtime's `setTimeout`,
 * `setInterval` or `Date.now` themselves, each with the reason. Every other
 * timer goes through a `Scheduler`, so tests drive it with a virtual clock.
 */
export const OWN_TIMERS: Readonly<Record<string, string>> = {
  "base/scheduler.ts": "the real Scheduler itself",
  "base/visible_logger.ts":
    "a log record's wall-clock timestamp, read the way LogTape stamps its own records",
  "gateway/tcp_transport.ts":
    "a socket's close deadline inside the transport, like the runtime WebSocket's own",
  "gateway/transport.ts":
    "the runtime WebSocket's close deadline inside the transport, as the TCP transport's (the transport takes no Scheduler)",
};

const RUNTIME_TIMER = /(^|[^.\w#$])(setTimeout|setInterval|Date\.now)\s*\(/;

/**
 * Calls of the runtime's timers or clock outside {@linkcode OWN_TIMERS}.
 *
 * @param files Library modules (path relative to the root, and text).
 * @returns One message per offending line; comments are not read.
 */
export function timerViolations(
  files: readonly { path: string; text: string }[],
): string[] {
  const problems: string[] = [];
  for (const { path, text } of files) {
    if (path in OWN_TIMERS || ABOVE_THE_LIBRARY.includes(folderOf(path))) {
      continue;
    }
    text.split("\n").forEach((line, index) => {
      const code = line.trimStart();
      if (code.startsWith("*") || code.startsWith("/")) return;
      const found = RUNTIME_TIMER.exec(code);
      if (found) {
        problems.push(
          `${path}:${index + 1} calls ${
            found[2]
          } directly: take a Scheduler (base/scheduler.ts), or add the file to OWN_TIMERS with the reason`,
        );
      }
    });
  }
  return problems;
}

/** One import from a module of the repository to another. */
export interface ImportEdge {
  /** The importing module, relative to the repository root. */
  from: string;
  /** The imported module, relative to the repository root. */
  to: string;
}

/** The folder a module belongs to: its first path segment, `"."` at the root. */
export function folderOf(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? "." : path.slice(0, slash);
}

/**
 * The imports that break the layering, each as a line a person can act on.
 *
 * @param edges Imports between modules of the repository.
 * @returns One message per offending import, or per folder missing from
 *   {@linkcode ALLOWED_IMPORTS}; empty when the graph is a ladder.
 */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  const unknown = new Set<string>();
  for (const { from, to } of edges) {
    const source = folderOf(from);
    const target = folderOf(to);
    if (source === target || ABOVE_THE_LIBRARY.includes(source)) continue;
    const allowed = ALLOWED_IMPORTS[source];
    if (allowed === undefined) {
      unknown.add(source);
      continue;
    }
    if (allowed.includes(target)) continue;
    const why = ABOVE_THE_LIBRARY.includes(target)
      ? `the library never imports ${target}/`
      : ALLOWED_IMPORTS[target] === undefined
      ? `${target}/ is not in ALLOWED_IMPORTS`
      : `${source === "." ? "the root" : `${source}/`} may import only ${
        allowed.map((folder) => `${folder}/`).join(", ") || "itself"
      }`;
    problems.push(`${from} imports ${to}: ${why}`);
  }
  for (const folder of unknown) {
    problems.push(
      `${folder}/ is not in ALLOWED_IMPORTS (.ci/check_layers.ts): add it with the folders it may import`,
    );
  }
  return problems;
}

/**
 * Circles of imports among modules (type-only ones included): for each
 * group of modules that reach each other (Tarjan's strongly connected
 * components), the shortest circle through its first module, each module
 * importing the next and the last the first.
 *
 * @param edges Imports between modules of the repository.
 * @returns Every group of two or more modules that import each other, and
 *   every module that imports itself, except groups wholly inside a folder
 *   of {@linkcode CYCLES_ALLOWED_IN}.
 */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const allowed = component.every((module) =>
      CYCLES_ALLOWED_IN.includes(folderOf(module))
    );
    if (
      !allowed && (component.length > 1 || next.get(node)?.includes(node))
    ) {
      cycles.push(shortestCircle(node, new Set(component), next));
    }
  };
  for (const node of [...next.keys()].sort()) {
    if (!index.has(node)) visit(node);
  }
  return cycles;
}

/** The shortest path of imports from `start` back to it, inside `group`. */
function shortestCircle(
  start: string,
  group: ReadonlySet<string>,
  next: ReadonlyMap<string, readonly string[]>,
): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const module = queue[i]!;
    for (const target of next.get(module) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const path = [module];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return path;
      }
      if (cameFrom.has(target)) continue;
      cameFrom.set(target, module);
      queue.push(target);
    }
  }
  return [start]; // unreachable: every module of a group reaches `start`
}

interface DenoInfo {
  modules: {
    specifier: string;
    dependencies?: {
      code?: { specifier: string };
      type?: { specifier: string };
    }[];
  }[];
}

/** The repository's imports between its own modules, via `deno info --json`. */
async function readImportGraph(
  root: URL,
): Promise<{ edges: ImportEdge[]; files: { path: string; text: string }[] }> {
  const files: string[] = [];
  const walk = async (dir: URL, prefix: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = prefix + entry.name;
      if (entry.isDirectory) {
        if (entry.name.startsWith(".") || entry.name === "node_modules") {
          continue;
        }
        // Tests, examples and benchmarks may import anything and nothing
        // imports them; testing/ is walked for its own cycles.
        if (
          prefix === "" && entry.name !== "testing" &&
          ABOVE_THE_LIBRARY.includes(entry.name)
        ) continue;
        await walk(new URL(`${entry.name}/`, dir), `${path}/`);
      } else if (path.endsWith(".ts")) files.push(path);
    }
  };
  await walk(root, "");
  // One `deno info` over a module importing them all (deno info takes one
  // root); the library's own files are the nodes, this module is not.
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      entry,
      files.sort().map((file) => `import "${new URL(file, root).href}";\n`)
        .join(""),
    );
    const output = await new Deno.Command("deno", {
      args: [
        "info",
        "--json",
        "--config",
        new URL("deno.json", root).pathname,
        entry,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!output.success) throw new Error("deno info failed");
    const info: DenoInfo = JSON.parse(new TextDecoder().decode(output.stdout));
    const local = (specifier: string): string | undefined =>
      specifier.startsWith(root.href)
        ? specifier.slice(root.href.length)
        : undefined;
    const edges: ImportEdge[] = [];
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (from === undefined) continue;
      for (const dependency of module.dependencies ?? []) {
        for (const resolved of [dependency.code, dependency.type]) {
          const to = resolved && local(resolved.specifier);
          if (to !== undefined) edges.push({ from, to });
        }
      }
    }
    const texts = await Promise.all(
      files.map(async (path) => ({
        path,
        text: await Deno.readTextFile(new URL(path, root)),
      })),
    );
    return { edges, files: texts };
  } finally {
    await Deno.remove(entry);
  }
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const { edges, files } = await readImportGraph(root);
  const problems = [...layerViolations(edges), ...timerViolations(files)];
  for (const cycle of importCycles(edges)) {
    problems.push(`import cycle: ${[...cycle, cycle[0]].join(" -> ")}`);
  }
  if (problems.length > 0) {
    // deno-lint-ignore no-console -- a command-line check reports on stderr
    console.error(
      `Layer check failed (rules in .ci/check_layers.ts, ARCHITECTURE.md):\n  ${
        problems.join("\n  ")
      }`,
    );
    Deno.exit(1);
  }
  const modules = new Set(edges.flatMap(({ from, to }) => [from, to])).size;
  // deno-lint-ignore no-console -- a command-line check reports on stdout
  console.log(
    `Layer check: ${edges.length} imports among ${modules} modules point down, no cycles, timers only through a Scheduler`,
  );
}
