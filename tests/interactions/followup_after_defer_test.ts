// Only one follow-up answers a defer (edits the loading message): of two
// sent at once, the second is a new message, not a second edit of the
// loading message; and one whose edit failed leaves the defer unanswered,
// so the next follow-up still edits it instead of leaving it loading.
import assert from "node:assert/strict";
import { InteractionContext } from "../../interactions/context.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/**
 * A fake Discord and a deferrable slash-command context on it; the first
 * `refusedEdits` edits of the original are refused 400 (Invalid Form Body).
 * `calls` records each webhook request ("PATCH @original", "POST
 * followup"), refused ones too.
 */
function setUp(
  refusedEdits = 0,
): { discord: FakeRest; ctx: InteractionContext; calls: string[] } {
  const clock = new VirtualScheduler();
  const discord = new FakeRest({ token: "t", scheduler: clock });
  const calls: string[] = [];
  let refusals = refusedEdits;
  const rest = new RestClient({
    token: "t",
    scheduler: clock,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      if (path.includes("/webhooks/")) {
        calls.push(
          `${request.method} ${
            path.endsWith("/messages/@original") ? "@original" : "followup"
          }`,
        );
      }
      if (request.method === "PATCH" && refusals > 0) {
        refusals--;
        return Promise.resolve(
          Response.json({ code: 50035, message: "Invalid Form Body" }, {
            status: 400,
          }),
        );
      }
      return discord.fetch(input, init);
    },
  });
  discord.addInteraction({ id: "5", token: "tok", type: 2 });
  const ctx = new InteractionContext(
    {
      id: "5",
      type: 2,
      token: "tok",
      application_id: discord.applicationId,
    } as never,
    { rest, scheduler: clock },
  );
  return { discord, ctx, calls };
}

Deno.test("two follow-ups sent at once right after defer(): one edits the loading message, the other is a new message", async () => {
  const { discord, ctx, calls } = setUp();
  await ctx.defer();
  const [first, second] = await Promise.all([
    ctx.followUp("first"),
    ctx.followUp("second"),
  ]);
  assert.deepEqual([...calls].sort(), [
    "PATCH @original",
    "POST followup",
  ]);
  assert.equal(first.content, "first");
  assert.equal(second.content, "second");
  assert.equal(discord.messages().length, 2, "both texts are shown");
  assert.equal(ctx.state, "answered");
});

Deno.test("a follow-up after defer() whose edit Discord refused leaves the defer to the next follow-up, which edits the loading message", async () => {
  const { discord, ctx, calls } = setUp(1);
  await ctx.defer();
  await assert.rejects(ctx.followUp("first"), /Invalid Form Body/);
  assert.equal(ctx.state, "deferred");
  const message = await ctx.followUp("second");
  // Both went to the loading message: a new message would leave it
  // "thinking..." forever.
  assert.deepEqual(calls, [
    "PATCH @original",
    "PATCH @original",
  ]);
  assert.equal(message.content, "second");
  assert.equal(discord.messages().length, 1);
  assert.equal(ctx.state, "answered");
});

Deno.test("a follow-up after defer() and deleteOriginal() is a new message: the loading message is gone", async () => {
  const { ctx, calls } = setUp();
  await ctx.defer();
  await ctx.deleteOriginal();
  const message = await ctx.followUp("after");
  assert.deepEqual(calls, ["DELETE @original", "POST followup"]);
  assert.equal(message.content, "after");
});
