// `flags: 0` on an edit is how a message's suppressed embeds show again
// (Discord: only SUPPRESS_EMBEDS can be set or unset by an edit, and an
// edit that gives no `flags` leaves them as they are), so an explicit 0 is
// sent on `update` and `editOriginal`. IS_COMPONENTS_V2 cannot come off a
// message, so an edit of one known to have it keeps that bit. An initial
// response still leaves `flags` out for 0: there is nothing to set.
import assert from "node:assert/strict";
import { ANSWERED_MESSAGE } from "../_fakes/interactions.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { messageData } from "../../interactions/_message_data.ts";
import { COMPONENTS_V2_FLAG } from "../../interactions/components_v2.ts";
import { RestClient } from "../../rest/rest_client.ts";

const SUPPRESS_EMBEDS = 1 << 2;

/** A click on a message with `flags`, the request bodies recorded. */
function click(flags: number): {
  ctx: InteractionContext;
  sent: { path: string; body: unknown }[];
} {
  const sent: { path: string; body: unknown }[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const text = await request.text();
      const path = new URL(request.url).pathname;
      sent.push({ path, body: text && JSON.parse(text) });
      return path.includes("/interactions/")
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
    { rest },
  );
  return { ctx, sent };
}

Deno.test("update({ flags: 0 }) of a message with suppressed embeds sends flags 0", async () => {
  const { ctx, sent } = click(SUPPRESS_EMBEDS);
  await ctx.update({ content: "see https://example.com", flags: 0 });
  assert.deepEqual(sent[0]!.body, {
    type: 7,
    data: { content: "see https://example.com", flags: 0 },
  });
});

Deno.test("editOriginal({ flags: 0 }) sends flags 0; an edit without flags leaves them out", async () => {
  const { ctx, sent } = click(SUPPRESS_EMBEDS);
  await ctx.deferUpdate();
  await ctx.editOriginal({ content: "again", flags: 0 });
  assert.deepEqual(sent[1]!.body, { content: "again", flags: 0 });
  await ctx.editOriginal({ content: "once more" });
  assert.deepEqual(sent[2]!.body, { content: "once more" });
});

Deno.test("flags 0 on an edit of a Components v2 message keeps IS_COMPONENTS_V2", async () => {
  const { ctx, sent } = click(COMPONENTS_V2_FLAG | SUPPRESS_EMBEDS);
  await ctx.update({ flags: 0, components: [] });
  assert.deepEqual(sent[0]!.body, {
    type: 7,
    data: { components: [], flags: COMPONENTS_V2_FLAG },
  });
  // And the flags given otherwise keep it too.
  assert.deepEqual(
    messageData({ flags: SUPPRESS_EMBEDS }, false, COMPONENTS_V2_FLAG).data,
    { flags: SUPPRESS_EMBEDS | COMPONENTS_V2_FLAG },
  );
});

Deno.test("flags 0 on an edit of a message whose flags are unknown is sent as 0", () => {
  assert.deepEqual(messageData({ content: "x", flags: 0 }, false).data, {
    content: "x",
    flags: 0,
  });
});

Deno.test("an initial response leaves flags 0 out", () => {
  assert.deepEqual(messageData({ content: "x", flags: 0 }, true).data, {
    content: "x",
  });
});
