// A file stream that stalls while an interaction is answered: the first
// reply fails at Discord's 3 s deadline (reported once to onError, nothing
// sent, handle() settles, the HTTP endpoint logs its 500), follow-ups and
// edits at the REST client's timeout.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { command } from "../../interactions/commands.ts";
import { InteractionContext } from "../../interactions/context.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { UploadError } from "../../rest/uploads.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { drive } from "../_fakes/drive.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

const cat = command({ name: "cat", description: "A cat" });

/** The /cat payload with id `id`. */
function interaction(id: string): Interaction {
  return commandInteraction({ id, name: "cat" });
}

/** A stream that sends three bytes, then nothing, ever. */
function stalled(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller): void {
      controller.enqueue(new Uint8Array([1, 2, 3]));
    },
  });
}

/** Let real promise chains run (a few macrotask turns), clock unmoved. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

Deno.test("a stalled upload in the first reply fails at the 3 s deadline: reported once to onError, nothing sent, handle() settles", async () => {
  const clock = new VirtualScheduler();
  const { fake, rest, errors, router } = await endpointHarness({
    scheduler: clock,
  });
  let state = "";
  let caught: unknown;
  router.command(cat, async (_, ctx) => {
    const sending = ctx.respond({
      content: "file",
      files: [{ name: "a.bin", data: stalled() }],
    });
    try {
      await sending;
    } catch (error) {
      caught = error;
      state = ctx.state;
      throw error;
    }
  });
  let settled = false;
  const handled = router.handle(interaction("1"), { rest })
    .finally(() => settled = true);
  await clock.advance(2999);
  await turns();
  assert.equal(settled, false, "failed before the deadline");
  assert.equal(errors.length, 0);
  await clock.advance(1);
  await turns();
  assert.equal(settled, true, "handle() never settled");
  assert.equal(await handled, true);
  assert.equal(errors.length, 1, errors.map((e) => e.message).join("\n"));
  assert.equal(errors[0]!.kind, "not_answered");
  assert.match(errors[0]!.message, /\/cat/);
  assert.match(errors[0]!.message, /files/);
  assert.equal((caught as InteractionError).kind, "not_answered");
  assert.equal(state, "pending", "it was not answered");
  assert.equal(fake.requests.length, 0, "nothing was sent");
  assert.equal(clock.pending, 0, "no timer left behind");
});

Deno.test("a handler that swallows its stalled first reply still gets not_answered reported", async () => {
  const clock = new VirtualScheduler();
  const { rest, errors, router } = await endpointHarness({ scheduler: clock });
  router.command(cat, async (_, ctx) => {
    await ctx.respond({ files: [{ name: "a.bin", data: stalled() }] })
      .catch(() => {});
  });
  const handled = router.handle(interaction("2"), { rest });
  await drive(clock, handled);
  assert.equal(clock.now() <= 3100, true, `settled at ${clock.now()} ms`);
  assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
});

Deno.test("a second initial response while the first one's files are read is refused", async () => {
  const clock = new VirtualScheduler();
  const { rest } = await endpointHarness({ scheduler: clock });
  const ctx = new InteractionContext(interaction("3"), {
    rest,
    scheduler: clock,
  });
  const first = ctx.respond({ files: [{ name: "a.bin", data: stalled() }] });
  first.catch(() => {});
  await assert.rejects(ctx.respond("again"), { kind: "already_answered" });
  await assert.rejects(ctx.defer(), { kind: "already_answered" });
  await drive(clock, first.catch(() => {}));
  assert.equal(ctx.state, "pending");
});

Deno.test("HTTP endpoint: a stalled upload gets its 500 at the deadline, logged, and the failure reaches onError", async () => {
  await withLogRecords(async (records: LogRecord[]) => {
    const clock = new VirtualScheduler();
    const { errors, router, signer, handler } = await endpointHarness({
      scheduler: clock,
    });
    router.command(cat, (_, ctx) =>
      ctx.respond({
        content: "file",
        files: [{ name: "a.bin", data: stalled() }],
      }));
    const response = await drive(
      clock,
      handler(await signer.request(interaction("4"))),
    );
    assert.equal(response.status, 500);
    await response.body?.cancel();
    assert.equal(clock.now() <= 3100, true, `answered at ${clock.now()} ms`);
    await turns();
    assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
    const http = records.filter((r) =>
      r.category.join(".") === "disruption.interactions.http"
    );
    assert.equal(http.length, 1, "the 500 was not logged");
    assert.equal(http[0]!.properties.id, "4");
  });
});

Deno.test("follow-ups and edits with a stalled upload fail at the REST client's timeout", async () => {
  const clock = new VirtualScheduler();
  const { fake, rest } = await endpointHarness({ scheduler: clock });
  const ctx = new InteractionContext(interaction("5"), {
    rest,
    scheduler: clock,
  });
  await ctx.respond("first");
  const before = fake.requests.length;
  const calls = [
    ctx.followUp({ files: [{ name: "f.bin", data: stalled() }] }),
    ctx.editOriginal({ files: [{ name: "e.bin", data: stalled() }] }),
  ];
  let settled = 0;
  for (const call of calls) call.then(() => settled++, () => settled++);
  await clock.advance(14_999);
  await turns();
  assert.equal(settled, 0, "failed before the timeout");
  await clock.advance(1);
  await turns();
  assert.equal(settled, 2, "a stalled follow-up or edit never settled");
  await assert.rejects(calls[0]!, UploadError);
  await assert.rejects(calls[1]!, /'e\.bin'.*15000 ms/);
  assert.equal(fake.requests.length, before, "nothing more was sent");
  assert.equal(clock.pending, 0);
});

Deno.test("a stalled upload in a first reply begun 2 s after arrival fails at the 3 s deadline, not 3 s after the reply began", async () => {
  const clock = new VirtualScheduler();
  const { fake, rest, errors, router } = await endpointHarness({
    scheduler: clock,
  });
  let caught: unknown;
  let failedAt = -1;
  router.command(cat, async (_, ctx) => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 2000));
    try {
      await ctx.respond({
        content: "file",
        files: [{ name: "a.bin", data: stalled() }],
      });
    } catch (error) {
      caught = error;
      failedAt = clock.now();
    }
  });
  const start = clock.now();
  const handled = router.handle(interaction("2"), { rest });
  await clock.advance(2999);
  await turns();
  assert.equal(failedAt, -1, "failed before the deadline");
  await clock.advance(1);
  await turns();
  assert.equal(failedAt - start, 3000, "the files had only the 1 s left");
  assert.equal((caught as InteractionError).kind, "not_answered");
  assert.equal(await handled, true);
  assert.equal(fake.requests.length, 0, "nothing was sent");
  assert.equal(clock.pending, 0, "no timer left behind");
  assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
});
