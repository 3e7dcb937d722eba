/**
 * Where a request was made, for its error. A failed request's error is
 * built after the queue, the bucket and the timer (`_outcome.ts`), so its
 * stack held the library's frames only and a handler making several calls
 * could not tell which one failed. {@linkcode calledFrom} appends the
 * caller's frames to what the request rejects with. Private to the package.
 *
 * They are taken when the request fails, not when it is made: V8 follows
 * the `await`s from there back to the caller ("at async …" frames), at no
 * cost to a request that succeeds. An `Error` made at every call cost
 * 4-9 µs of CPU in Deno (on a loaded machine) whatever the stack trace
 * limit: Deno records a detailed trace of each new error for its
 * uncaught-error report. The price: a request nothing awaits
 * (`void rest.createMessage(…)`) has no caller to follow, and its error is
 * left as it was.
 *
 * @module
 */

/** The library's root: frames under it are its own, save those below. */
const ROOT = new URL("../", import.meta.url).href;
/** Under the root but not the library: its tests, examples and benches. */
const NOT_LIBRARY = ["tests/", "examples/", "bench/"].map((dir) => ROOT + dir);

/** The heading of the appended frames. */
const HEADING = "    at (the request was made)";

/**
 * Errors already given a call site: a request with files runs inside
 * another, which finds its error already done.
 */
const marked = new WeakSet<object>();

/**
 * `request`, its rejection's stack extended with the frames of the code
 * awaiting it, past the library's own (see {@linkcode withCallSite}); an
 * abort's reason is left as it is: the caller's own object, shared by
 * every request of that signal (and maybe by other signals), it would name
 * the first request's line in all their stacks.
 *
 * @typeParam T What the request resolves to.
 * @param request The request's promise.
 * @param signal The request's signal, if any.
 * @returns A promise settling as `request` does.
 */
export async function calledFrom<T>(
  request: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (signal?.aborted && error === signal.reason) throw error;
    // Made here, its frames go on through the `await`s of the callers.
    throw withCallSite(error, new Error().stack);
  }
}

/**
 * `error`, its `stack` extended with a heading and the frames of `site`
 * from the first that is not the library's (ext:, node: and other frames
 * without a file between those are skipped too). Its message, name and
 * fields are left as they are. Left unchanged: a value that is not an
 * `Error`, one already given a call site, one whose stack already holds
 * the caller's first frame (made while the call was on the stack), and
 * one whose `stack` cannot be read or set; when `site` holds no caller's
 * frame (nothing awaited the request), nothing is added.
 *
 * @param error What the request rejects with.
 * @param site The stack of an `Error` made where the request failed.
 * @returns `error` itself.
 */
export function withCallSite(
  error: unknown,
  site: string | undefined,
): unknown {
  if (!(error instanceof Error) || marked.has(error)) return error;
  try {
    const frames = callerFrames(site);
    const stack = error.stack;
    if (frames.length === 0 || typeof stack !== "string") return error;
    marked.add(error);
    if (stack.includes(frames[0]!)) return error;
    setStack(error, `${stack}\n${HEADING}\n${frames.join("\n")}`);
  } catch {
    // A frozen error, or a `stack` accessor that throws: left as it is.
  }
  return error;
}

/**
 * Give `error` the stack text `stack`. Deno reports an uncaught error from
 * the frames V8 recorded (kept as its `stack` is first formatted), not from
 * its `stack`, unless it has none: left, they hid the call site from an
 * uncaught request's "Uncaught (in promise)". So they are recorded anew,
 * none of them (their text is the start of `stack`), and formatted (read)
 * once, before `stack` is set.
 */
function setStack(error: Error, stack: string): void {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
    Error.captureStackTrace(error);
  } finally {
    Error.stackTraceLimit = limit;
  }
  void error.stack;
  error.stack = stack;
}

/** The frames of a stack from the caller's first, if any. */
function callerFrames(stack: string | undefined): string[] {
  if (typeof stack !== "string") return [];
  const frames = stack.split("\n").filter((line) => line.startsWith("    at "));
  const caller = frames.findIndex(isCallers);
  return caller >= 0 ? frames.slice(caller) : [];
}

/** Whether a frame is in a file that is not the library's. */
function isCallers(frame: string): boolean {
  if (!frame.includes("://")) return false; // ext:, node:, <anonymous>
  if (!frame.includes(ROOT)) return true;
  return NOT_LIBRARY.some((dir) => frame.includes(dir));
}
