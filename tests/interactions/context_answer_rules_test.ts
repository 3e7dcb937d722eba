// What the context refuses before sending because Discord would not do
// what the call asks: a private answer to a defer that was not private, a
// Components v2 message with content (the flag given by hand, or already on
// the message), a new message with nothing in it, and a follow-up before
// any initial response.
import assert from "node:assert/strict";
import { ANSWERED_MESSAGE } from "../_fakes/interactions.ts";
import {
  COMPONENTS_V2_FLAG,
  container,
  textDisplay,
} from "../../interactions/components_v2.ts";
import {
  InteractionContext,
  type InteractionContextOptions,
  type MessageResponse,
} from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";

/** A request as the stub below saw it. */
interface Sent {
  method: string;
  path: string;
  body: unknown;
}

/**
 * A context for a click on a message with `flags`, its requests recorded
 * (Discord's answers stubbed: 204 for callbacks, a message otherwise).
 */
function click(
  flags = 0,
  state?: InteractionContextOptions["state"],
): { ctx: InteractionContext; sent: Sent[] } {
  const sent: Sent[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const text = await request.text();
      const path = new URL(request.url).pathname.replace(/^\/api\/v\d+/, "");
      sent.push({
        method: request.method,
        path,
        // A multipart body (files) is not read.
        body: text && request.headers.get("content-type") === "application/json"
          ? JSON.parse(text)
          : undefined,
      });
      return path.startsWith("/interactions/")
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
      message: { id: "9", flags },
      data: { custom_id: "x", component_type: 2 },
    } as never,
    state === undefined ? { rest } : { rest, state },
  );
  return { ctx, sent };
}

function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof InteractionError && error.kind === "invalid_response" &&
    pattern.test(error.message);
}

Deno.test("respond({ ephemeral: true }) after deferUpdate() is refused: it would put the private text on the public message", async () => {
  for (
    const message of [
      { content: "secret", ephemeral: true },
      { content: "secret", flags: 64 },
    ] as MessageResponse[]
  ) {
    const { ctx, sent } = click();
    await ctx.deferUpdate();
    await assert.rejects(
      ctx.respond(message),
      refused(/deferUpdate\(\).*followUp\(\{ ephemeral: true \}\)/),
    );
    assert.deepEqual(sent.map((r) => r.method), ["POST"]);
    assert.equal(ctx.state, "deferred");
    // The private answer goes out as a follow-up.
    await ctx.followUp({ content: "secret", ephemeral: true });
    assert.deepEqual(sent.at(-1)!.body, {
      content: "secret",
      flags: 64,
    });
  }
});

Deno.test("respond({ ephemeral: true }) after a public defer() is refused (Discord keeps the defer's visibility); after defer({ ephemeral: true }) it edits", async () => {
  const { ctx, sent } = click();
  await ctx.defer();
  await assert.rejects(
    ctx.respond({ content: "secret", ephemeral: true }),
    refused(/public defer\(\).*defer\(\{ ephemeral: true \}\)/),
  );
  assert.equal(sent.length, 1, "only the defer went out");
  await ctx.respond({ content: "public" });
  assert.equal(ctx.state, "answered");

  const privately = click();
  await privately.ctx.defer({ ephemeral: true });
  await privately.ctx.respond({ content: "secret", ephemeral: true });
  const edit = privately.sent.at(-1)!;
  assert.equal(edit.method, "PATCH");
  assert.deepEqual(edit.body, { content: "secret" });
});

Deno.test("respond({ ephemeral: false }) after defer({ ephemeral: true }) is refused: the edit of the private defer stays private", async () => {
  const { ctx, sent } = click();
  await ctx.defer({ ephemeral: true });
  await assert.rejects(
    ctx.respond({ content: "for everyone", ephemeral: false }),
    refused(/ephemeral: false.*answer privately.*followUp\(\)/),
  );
  assert.equal(sent.length, 1, "only the defer went out");
  assert.equal(ctx.state, "deferred");
  // Without the flag it edits the private answer, as the defer chose.
  await ctx.respond({ content: "for you" });
  assert.deepEqual(sent.at(-1)!.body, { content: "for you" });
  // The public part then goes out as a follow-up.
  await ctx.followUp({ content: "for everyone", ephemeral: false });
  assert.deepEqual(sent.at(-1)!.body, { content: "for everyone" });
});

Deno.test("content with Components v2 is refused when the flag is given by hand, or the message being updated has it", async () => {
  const plain = click();
  await assert.rejects(
    plain.ctx.respond({ content: "hi", flags: COMPONENTS_V2_FLAG }),
    refused(/Components v2.*cannot have 'content'/),
  );
  await assert.rejects(
    plain.ctx.respond({ embeds: [{ title: "e" }], flags: COMPONENTS_V2_FLAG }),
    refused(/Components v2/),
  );
  assert.equal(plain.sent.length, 0);

  const v2 = click(COMPONENTS_V2_FLAG);
  await assert.rejects(
    v2.ctx.update({ content: "hi" }),
    refused(/already on the message/),
  );
  assert.equal(v2.sent.length, 0);
  assert.equal(v2.ctx.state, "pending");
  // Deferred, the edit of that message is checked the same way.
  await v2.ctx.deferUpdate();
  await assert.rejects(v2.ctx.respond("hi"), refused(/Components v2/));
  await assert.rejects(v2.ctx.editOriginal("hi"), refused(/Components v2/));
  assert.equal(v2.sent.length, 1, "only the deferUpdate went out");

  // A message without the flag still takes content.
  await plain.ctx.update({ content: "hi" });
  assert.equal(plain.ctx.state, "answered");
});

Deno.test("followUp() before any initial response is refused, nothing sent; after one it goes out", async () => {
  const { ctx, sent } = click();
  await assert.rejects(
    ctx.followUp("too early"),
    refused(/no initial response yet.*respond\(\) or defer\(\) first/),
  );
  assert.equal(sent.length, 0);
  await ctx.respond("first");
  await ctx.followUp("then this");
  assert.deepEqual(sent.map((r) => r.method), ["POST", "POST"]);
});

Deno.test("editOriginal() and deleteOriginal() before any initial response are refused, nothing sent; after one they go out", async () => {
  const { ctx, sent } = click();
  await assert.rejects(
    ctx.editOriginal("too early"),
    refused(/no initial response yet.*no original response to edit/),
  );
  await assert.rejects(
    ctx.deleteOriginal(),
    refused(/no initial response yet.*no original response to delete/),
  );
  assert.equal(sent.length, 0);
  await ctx.defer();
  await ctx.editOriginal("done");
  await ctx.deleteOriginal();
  assert.deepEqual(sent.map((r) => r.method), ["POST", "PATCH", "DELETE"]);
});

Deno.test("a context made for an interaction another process answered takes state 'deferred': its edits and follow-ups go out", async () => {
  const { ctx, sent } = click(0, "deferred");
  assert.equal(ctx.state, "deferred");
  await ctx.acknowledged;
  await ctx.editOriginal("finished by the worker");
  await ctx.followUp("and more");
  await ctx.deleteOriginal();
  assert.deepEqual(sent.map((r) => r.method), ["PATCH", "POST", "DELETE"]);
  // Its initial response was made elsewhere: a second one is refused.
  await assert.rejects(ctx.defer(), { kind: "already_answered" });
  assert.throws(
    () => click(0, "done" as never),
    /'state' must be "pending", "deferred" or "answered"/,
  );
});

Deno.test("an edit into Components v2 clears the message's content and embeds as Discord requires; null and [] are taken, text is not", async () => {
  const v2 = [container([textDisplay("now in a container")])];
  const { ctx, sent } = click();
  await ctx.deferUpdate();
  await ctx.editOriginal({ components: v2 });
  await ctx.editOriginal({ content: null, embeds: [], components: v2 });
  const [, first, second] = sent.map((r) => r.body as Record<string, unknown>);
  for (const body of [first!, second!]) {
    assert.equal(body.content, null);
    assert.deepEqual(body.embeds, []);
    assert.equal(Number(body.flags) & COMPONENTS_V2_FLAG, COMPONENTS_V2_FLAG);
  }
  // The message is v2 now: a later edit sends no clearing fields.
  await ctx.editOriginal({ components: v2 });
  const third = sent[3]!.body as Record<string, unknown>;
  assert.equal("content" in third, false);
  await assert.rejects(
    ctx.editOriginal({ content: "text", components: v2 }),
    refused(/cannot have 'content' or 'embeds'/),
  );
  // Already v2 (the component's message): an update sends no clearing.
  const onV2 = click(COMPONENTS_V2_FLAG);
  await onV2.ctx.update({ components: v2 });
  const update = onV2.sent[0]!.body as { data: Record<string, unknown> };
  assert.equal("content" in update.data, false);
});

Deno.test("a new message with nothing to show (respond(''), only flags, empty lists) is refused before sending: Discord refuses it after the endpoint's 200", async () => {
  for (
    const message of [
      "",
      { ephemeral: true },
      { content: "", embeds: [], components: [], files: [] },
      { content: null, allowed_mentions: { parse: [] } },
    ] as (string | MessageResponse)[]
  ) {
    const { ctx, sent } = click();
    await assert.rejects(ctx.respond(message), refused(/empty message/));
    assert.equal(sent.length, 0);
    assert.equal(ctx.state, "pending");
    await ctx.respond("first");
    await assert.rejects(ctx.followUp(message), refused(/empty message/));
    assert.equal(sent.length, 1, "only the first answer went out");
  }
  // Anything to show is taken: embeds alone, components alone, a file.
  for (
    const message of [
      { embeds: [{ title: "e" }] },
      { components: [container([textDisplay("t")])] },
      { files: [{ name: "a.txt", data: "a" }], ephemeral: true },
    ] as MessageResponse[]
  ) {
    const { ctx } = click();
    await ctx.respond(message);
    assert.equal(ctx.state, "answered");
  }
  // An edit may leave fields out: it is not a new message.
  const { ctx } = click();
  await ctx.deferUpdate();
  await ctx.editOriginal({ allowed_mentions: { parse: [] } });
});

Deno.test("acknowledged resolves once the initial response went out, not before", async () => {
  const { ctx, sent } = click();
  let acknowledged = false;
  void ctx.acknowledged.then(() => acknowledged = true);
  await Promise.resolve();
  assert.equal(acknowledged, false);
  await ctx.deferUpdate();
  await Promise.resolve();
  assert.equal(acknowledged, true);
  assert.deepEqual(sent.map((r) => r.method), ["POST"]);
});
