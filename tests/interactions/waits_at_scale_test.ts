// Many pending waits (awaitMessage, awaitComponent) cost each event and
// each start or stop no more than the waits it concerns. A listener per
// wait on the Client run's AbortSignal (and on a caller's shared signal)
// made N waits O(N²) to start and to stop, since the runtime scans a
// signal's listeners on each add and remove: 20,000 waits took 4.3 s to
// start and client.stop() froze the event loop 6.7 s. And every event was
// offered to every wait (a pattern match each; a Client listener per
// awaitMessage): 1-2.7 ms for an event nobody waited for. These tests count
// listeners and reads, not time.
import assert from "node:assert/strict";
import { abortListenerCount } from "../../base/abort_fanout.ts";
import { registerClientRuns } from "../../handler/_client_runs.ts";
import { ClientStoppedError } from "../../handler/client_stopped_error.ts";
import {
  awaitMessage,
  type CreatedMessage,
} from "../../interactions/await_message.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { counted } from "../_fakes/counted_listeners.ts";
import { INTERACTION_USER } from "../_fakes/interactions.ts";

const WAITS = 200;

/** A source for both waits, with its listeners by event, as a Client's. */
function stubSource(): {
  source: {
    on(
      event: string,
      listener: (payload: never, ctx: never) => unknown,
    ): () => void;
  };
  listeners: Map<string, Set<(payload: never, ctx: never) => unknown>>;
} {
  const listeners = new Map<
    string,
    Set<(payload: never, ctx: never) => unknown>
  >();
  const source = {
    on(
      event: string,
      listener: (payload: never, ctx: never) => unknown,
    ): () => void {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, set = new Set());
      // Its own entry: the same function added twice is two listeners.
      const entry = (p: never, c: never): unknown => listener(p, c);
      set.add(entry);
      return () => void set.delete(entry);
    },
  };
  return { source, listeners };
}

/** Everyone listening to `event` on the stub gets `payload`. */
function emit(
  listeners: Map<string, Set<(payload: never, ctx: never) => unknown>>,
  event: string,
  payload: unknown,
): void {
  for (const listener of [...listeners.get(event) ?? []]) {
    listener(payload as never, { rest: undefined } as never);
  }
}

/** A click on message `messageId` by `user`, custom id `id`. */
function click(
  message: { id: string },
  user: { id: string },
  id = "other:1",
): unknown {
  return {
    id: "50",
    application_id: "1",
    type: 3,
    token: "tok",
    version: 1,
    data: { custom_id: id, component_type: 2 },
    message,
    user,
  };
}

/** How `promise` settled so far. */
function watch<T>(promise: Promise<T>): { state: unknown } {
  const seen: { state: unknown } = { state: "pending" };
  promise.then((value) => seen.state = value, (error) => seen.state = error);
  return seen;
}

Deno.test("waits on a Client's run add one abort listener to the run's signal, not one each; its stop ends them all, and settled waits leave none", async () => {
  const clock = new VirtualScheduler();
  const run = new AbortController();
  const counts = counted(run.signal);
  const { source } = stubSource();
  registerClientRuns(source, {
    current: () => run.signal,
    signal: undefined,
  });
  const router = new InteractionRouter({ scheduler: clock });
  router.attach(source as never);

  // Some end by their timeout: their tie goes, the run's listener stays.
  const short = Promise.allSettled(Array.from(
    { length: WAITS },
    (_, i) =>
      awaitMessage(source as never, {
        authorId: `a${i}`,
        timeout: 10,
        scheduler: clock,
      }),
  ));
  const waits = [
    ...Array.from(
      { length: WAITS },
      (_, i) =>
        awaitMessage(source as never, {
          authorId: `b${i}`,
          scheduler: clock,
        }),
    ),
    ...Array.from(
      { length: WAITS },
      (_, i) => router.awaitComponent({ messageId: `m${i}` }),
    ),
  ].map((wait) => watch<unknown>(wait));
  assert.equal(counts.added, 1, "one listener on the run's signal");
  assert.equal(abortListenerCount(run.signal), 3 * WAITS);
  await clock.advance(10);
  for (const wait of await short) {
    assert.equal(
      wait.status === "rejected" && wait.reason.name,
      "TimeoutError",
    );
  }
  assert.equal(abortListenerCount(run.signal), 2 * WAITS);
  assert.equal(counts.added, 1);

  run.abort();
  await clock.advance(0);
  for (const wait of waits) {
    assert.ok(wait.state instanceof ClientStoppedError, String(wait.state));
  }
  assert.equal(abortListenerCount(run.signal), 0);
  assert.equal(clock.pending, 0);
  assert.equal(counts.added, 1);
});

Deno.test("waits sharing one caller's signal add one listener to it; an abort ends them all, and settled waits remove it", async () => {
  const clock = new VirtualScheduler();
  const { source, listeners } = stubSource();
  const router = new InteractionRouter({ scheduler: clock });
  const shutdown = new AbortController();
  const counts = counted(shutdown.signal);
  const options = { signal: shutdown.signal, scheduler: clock };
  const waits = Promise.allSettled([
    ...Array.from(
      { length: WAITS },
      (_, i) => awaitMessage(source as never, { ...options, authorId: `${i}` }),
    ),
    ...Array.from(
      { length: WAITS },
      () => router.awaitComponent({ signal: shutdown.signal }),
    ),
  ]);
  assert.equal(counts.added, 1);
  assert.equal(abortListenerCount(shutdown.signal), 2 * WAITS);
  // A settled wait leaves the signal.
  emit(listeners, "MESSAGE_CREATE", { channel_id: "1", author: { id: "7" } });
  assert.equal(abortListenerCount(shutdown.signal), 2 * WAITS - 1);
  shutdown.abort(new Error("shutting down"));
  const outcomes = await waits;
  assert.equal(outcomes[7]!.status, "fulfilled");
  const reasons = outcomes.filter((outcome) => outcome.status === "rejected")
    .map((outcome) => (outcome as PromiseRejectedResult).reason.message);
  assert.deepEqual(reasons, Array(2 * WAITS - 1).fill("shutting down"));
  assert.equal(abortListenerCount(shutdown.signal), 0);
  assert.equal(clock.pending, 0);
  assert.equal(counts.added, 1);
});

Deno.test("a click is offered only to the waits on its message and user (or on any): a pending wait on another message costs it nothing", async () => {
  const clock = new VirtualScheduler();
  const router = new InteractionRouter({ scheduler: clock })
    .button("other:{n}", (_, ctx) => ctx.deferUpdate());
  const waits = Promise.allSettled([
    ...Array.from(
      { length: WAITS },
      (_, i) =>
        router.awaitComponent({ messageId: `m${i}`, customId: "v:{x}" }),
    ),
    ...Array.from(
      { length: WAITS },
      (_, i) => router.awaitComponent({ userId: `u${i}`, customId: "v:{x}" }),
    ),
  ]);
  let messageReads = 0;
  let userReads = 0;
  const message = {
    get id(): string {
      messageReads++;
      return "elsewhere";
    },
  };
  const user = {
    ...INTERACTION_USER,
    get id(): string {
      userReads++;
      return "someone";
    },
  };
  const taken = await router.handle(click(message, user) as never, {
    rest: undefined as never,
    respond: () => Promise.resolve(),
  });
  assert.equal(taken, true, "routed");
  // Read to find the waits (and by describing the click), not per wait.
  assert.ok(messageReads <= 3, `message id read ${messageReads} times`);
  assert.ok(userReads <= 3, `user id read ${userReads} times`);
  assert.equal(clock.pending, 2 * WAITS);
  await clock.advance(60_000);
  for (const wait of await waits) assert.equal(wait.status, "rejected");
  assert.equal(clock.pending, 0);
});

Deno.test("awaitMessage waits share one listener on their source, removed with the last of them", async () => {
  const clock = new VirtualScheduler();
  const { source, listeners } = stubSource();
  const waits = Promise.allSettled(Array.from(
    { length: WAITS },
    (_, i) =>
      awaitMessage(source as never, {
        channelId: `c${i % 7}`,
        authorId: `a${i}`,
        scheduler: clock,
      }),
  ));
  assert.equal(listeners.get("MESSAGE_CREATE")?.size, 1);
  emit(listeners, "MESSAGE_CREATE", { channel_id: "c3", author: { id: "a3" } });
  assert.equal(listeners.get("MESSAGE_CREATE")?.size, 1);
  await clock.advance(60_000);
  const outcomes = await waits;
  assert.deepEqual(
    outcomes.map((outcome, i) => outcome.status === "fulfilled" && i),
    outcomes.map((_, i) => i === 3 && 3),
  );
  assert.equal(listeners.get("MESSAGE_CREATE")?.size, 0);
});

Deno.test("waits filed by message, user, channel or author are still offered an event in the order they were started, the first match taking a click", async () => {
  const clock = new VirtualScheduler();
  // The click is taken, not answered: reported, not logged.
  const router = new InteractionRouter({ scheduler: clock, onError: () => {} });
  const asked: string[] = [];
  const wait = (
    name: string,
    options: { messageId?: string; userId?: string },
    take = false,
  ): Promise<unknown> =>
    router.awaitComponent({
      ...options,
      filter: () => (asked.push(name), take),
    });
  const list = [
    wait("user", { userId: "2" }),
    wait("other message", { messageId: "6" }),
    wait("message", { messageId: "5" }),
    wait("any", {}),
    wait("other user", { userId: "3" }),
    wait("both", { messageId: "5", userId: "2" }, true),
    wait("after the taker", {}, true),
  ];
  const waits = Promise.allSettled(list);
  const taken = await router.handle(
    click({ id: "5" }, INTERACTION_USER) as never,
    { rest: undefined as never, respond: () => Promise.resolve() },
  );
  assert.equal(taken, true);
  assert.deepEqual(asked, ["user", "message", "any", "both"]);
  assert.equal(
    ((await list[5]) as { interaction: { message: { id: string } } })
      .interaction.message.id,
    "5",
  );

  // awaitMessage: every matching wait gets the message, in order.
  const { source, listeners } = stubSource();
  const heard: string[] = [];
  const message = (
    name: string,
    options: { channelId?: string; authorId?: string },
  ): Promise<CreatedMessage> =>
    awaitMessage(source as never, {
      ...options,
      scheduler: clock,
      filter: () => (heard.push(name), true),
    });
  const messages = Promise.allSettled([
    message("author", { authorId: "7" }),
    message("any", {}),
    message("other channel", { channelId: "9" }),
    message("channel", { channelId: "1" }),
    message("both", { channelId: "1", authorId: "7" }),
  ]);
  emit(listeners, "MESSAGE_CREATE", { channel_id: "1", author: { id: "7" } });
  assert.deepEqual(heard, ["author", "any", "channel", "both"]);
  await clock.advance(60_000);
  assert.deepEqual((await messages).map((outcome) => outcome.status), [
    "fulfilled",
    "fulfilled",
    "rejected",
    "fulfilled",
    "fulfilled",
  ]);
  assert.deepEqual(
    (await waits).map((outcome) => outcome.status),
    [
      "rejected",
      "rejected",
      "rejected",
      "rejected",
      "rejected",
      "fulfilled",
      "rejected",
    ],
  );
});

Deno.test("a wait whose source throws as it subscribes rejects with that error, leaving no timer, no signal listener and no tie to the run", async () => {
  const clock = new VirtualScheduler();
  const run = new AbortController();
  const source = {
    on(): () => void {
      throw new Error("cannot subscribe");
    },
  };
  registerClientRuns(source, { current: () => run.signal, signal: undefined });
  const caller = new AbortController();
  const counts = counted(caller.signal);
  await assert.rejects(
    awaitMessage(source as never, { scheduler: clock, signal: caller.signal }),
    /cannot subscribe/,
  );
  assert.equal(clock.pending, 0, "no timer left");
  assert.equal(counts.added, counts.removed, "no listener on the caller's");
  assert.equal(abortListenerCount(run.signal), 0, "no tie to the run");
  assert.equal(abortListenerCount(caller.signal), 0);
});

Deno.test("a wait started while a click is offered to the waits (from a filter) does not get that click, only the next", async () => {
  const clock = new VirtualScheduler();
  const routed: string[] = [];
  const router = new InteractionRouter({ scheduler: clock, onError: () => {} })
    .button("other:{n}", (i, ctx) => (routed.push(i.id), ctx.deferUpdate()));
  let late: Promise<{ interaction: { id: string } }> | undefined;
  const first = router.awaitComponent({
    filter: () => {
      late ??= router.awaitComponent({ filter: () => true });
      return false;
    },
    timeout: 5,
  });
  const answer = { rest: undefined as never, respond: () => Promise.resolve() };
  const earlier = { ...(click({ id: "5" }, INTERACTION_USER) as object) };
  await router.handle(earlier as never, answer);
  assert.deepEqual(routed, ["50"], "the click came before the late wait");
  const next = {
    ...(click({ id: "5" }, INTERACTION_USER) as object),
    id: "51",
  };
  await router.handle(next as never, answer);
  assert.equal((await late!).interaction.id, "51");
  assert.deepEqual(routed, ["50"]);
  const outcome = Promise.allSettled([first]);
  await clock.advance(5);
  assert.equal((await outcome)[0]!.status, "rejected");
});
