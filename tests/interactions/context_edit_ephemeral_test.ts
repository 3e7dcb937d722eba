// An edit cannot make a message ephemeral (Discord ignores the flag on an
// edit): `update({ ephemeral: true })` and `editOriginal({ ephemeral: true })`
// of a public message would publish the "private" text, so they are refused
// before anything is sent. Editing a message that is already ephemeral with
// the flag stays allowed: it changes nothing.
import assert from "node:assert/strict";
import { ANSWERED_MESSAGE } from "../_fakes/interactions.ts";
import {
  InteractionContext,
  type MessageResponse,
} from "../../interactions/context.ts";
import { EPHEMERAL } from "../../interactions/_message_data.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";

/**
 * A context for a click on a message with `flags`, the methods and bodies
 * of its requests recorded (callbacks answered 204, edits with a message),
 * created in `state` (`"deferred"`/`"answered"`: another process answered).
 */
function click(
  flags: number | null = 0,
  state: "pending" | "deferred" | "answered" = "pending",
): {
  ctx: InteractionContext;
  sent: { method: string; body: unknown }[];
} {
  const sent: { method: string; body: unknown }[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const text = await request.text();
      sent.push({ method: request.method, body: text && JSON.parse(text) });
      return new URL(request.url).pathname.includes("/interactions/")
        ? new Response(null, { status: 204 })
        : Response.json(ANSWERED_MESSAGE);
    },
  });
  const ctx = new InteractionContext(
    {
      id: "5",
      token: "tok",
      application_id: "42",
      type: 3,
      // A partial message may lack `flags` (null here): they are unknown.
      message: flags === null ? { id: "9" } : { id: "9", flags },
      data: { custom_id: "x", component_type: 2 },
    } as never,
    { rest, state },
  );
  return { ctx, sent };
}

const PRIVATE: MessageResponse[] = [
  { content: "secret", ephemeral: true },
  { content: "secret", flags: EPHEMERAL },
];

function refused(error: unknown): boolean {
  return error instanceof InteractionError &&
    error.kind === "invalid_response" &&
    /edit cannot make a message ephemeral.*followUp\(\{ ephemeral: true \}\)/
      .test(error.message);
}

Deno.test("update({ ephemeral: true }) of a public message is refused and sends nothing", async () => {
  for (const message of PRIVATE) {
    const { ctx, sent } = click();
    await assert.rejects(ctx.update(message), refused);
    assert.equal(sent.length, 0);
    assert.equal(ctx.state, "pending");
    // The private text goes out as a follow-up after a plain answer.
    await ctx.update({ content: "public" });
    await ctx.followUp({ content: "secret", ephemeral: true });
    assert.deepEqual(sent.at(-1)!.body, { content: "secret", flags: 64 });
  }
});

Deno.test("editOriginal({ ephemeral: true }) of a public message is refused and sends nothing", async () => {
  for (const message of PRIVATE) {
    const updated = click();
    await updated.ctx.deferUpdate();
    await assert.rejects(updated.ctx.editOriginal(message), refused);
    assert.equal(updated.sent.length, 1, "only the deferUpdate went out");

    const answered = click();
    await answered.ctx.respond("public answer");
    await assert.rejects(answered.ctx.editOriginal(message), refused);
    assert.equal(answered.sent.length, 1, "only the answer went out");
  }
});

Deno.test("an edit of a message that is already ephemeral may carry the flag", async () => {
  // A click on an ephemeral message: update() edits a private message.
  const onPrivate = click(EPHEMERAL);
  await onPrivate.ctx.update({ content: "still yours", ephemeral: true });
  assert.deepEqual(onPrivate.sent.at(-1)!.body, {
    type: 7,
    data: { content: "still yours" },
  });

  // The original answer was ephemeral: editing it keeps it private.
  const answered = click();
  await answered.ctx.respond({ content: "yours", ephemeral: true });
  await answered.ctx.editOriginal({ content: "edited", ephemeral: true });
  assert.deepEqual(answered.sent.at(-1)!.body, { content: "edited" });

  // respond() and followUp() answering defer({ ephemeral: true }) edit it.
  for (const method of ["respond", "followUp"] as const) {
    const deferred = click();
    await deferred.ctx.defer({ ephemeral: true });
    await deferred.ctx[method]({ content: "done", ephemeral: true });
    assert.deepEqual(deferred.sent.at(-1), {
      method: "PATCH",
      body: { content: "done" },
    });
  }
});

Deno.test("an edit with the flag passes when the message's flags are unknown", async () => {
  for (const message of PRIVATE) {
    // A worker's context: another process deferred (perhaps ephemerally)
    // or answered; what it chose is not known here, so the edit is sent.
    for (const state of ["deferred", "answered"] as const) {
      const worker = click(0, state);
      await worker.ctx.editOriginal(message);
      assert.equal(worker.sent.length, 1);
      assert.equal(worker.sent[0]!.method, "PATCH");
    }
    // A click on a message without a `flags` field.
    const partial = click(null);
    await partial.ctx.update(message);
    assert.equal(partial.sent.length, 1);
    assert.equal(partial.ctx.state, "answered");
  }
});

Deno.test("a worker's context created deferred answers the defer with respond({ ephemeral: true }): the defer's visibility is not known there", async () => {
  for (const message of PRIVATE) {
    const worker = click(0, "deferred");
    await worker.ctx.respond(message);
    assert.equal(worker.sent.length, 1);
    assert.equal(worker.sent[0]!.method, "PATCH");
    assert.equal(worker.ctx.state, "answered");
  }
});

Deno.test("a deferUpdate of a message without flags leaves them unknown; an answer given here makes them known and refusable", async () => {
  // deferUpdate() of a click on a message without `flags`: still unknown.
  const partial = click(null);
  await partial.ctx.deferUpdate();
  await partial.ctx.editOriginal({ content: "x", ephemeral: true });
  assert.equal(partial.sent.length, 2);
  // A public answer given here makes the original's flags known.
  const known = click(null);
  await known.ctx.respond("public answer");
  await assert.rejects(
    known.ctx.editOriginal({ content: "x", ephemeral: true }),
    refused,
  );
  assert.equal(known.sent.length, 1);
});
