// Discord turns the first follow-up after a deferred reply (callback type 5)
// into the answer to it: it edits the "thinking..." message, keeping the
// defer's visibility. The context sends it as that edit, with respond()'s
// visibility checks, and counts it as the answer. After deferUpdate (type 6)
// a follow-up is a new message, as Discord documents. And a callback Discord
// refuses as an unknown interaction (10062) is reported as `token_expired`.
import assert from "node:assert/strict";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const EPHEMERAL = 1 << 6;

/** A fake Discord and a context for a slash command (type 3: a click on message "m1"). */
function setUp(
  type: 2 | 3 = 2,
): { discord: FakeRest; ctx: InteractionContext } {
  const discord = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: discord.fetch });
  if (type === 3) {
    discord.addMessage({
      id: "700",
      channel_id: "0",
      content: "pick",
    } as never);
  }
  discord.addInteraction({
    id: "5",
    token: "tok",
    type,
    ...(type === 3 ? { messageId: "700" } : {}),
  });
  const ctx = new InteractionContext(
    {
      id: "5",
      type,
      token: "tok",
      application_id: discord.applicationId,
      ...(type === 3
        ? {
          data: { custom_id: "go", component_type: 2 },
          message: { id: "700", flags: 0 },
        }
        : {}),
    } as never,
    { rest },
  );
  return { discord, ctx };
}

/** The webhook requests (follow-ups and edits) the fake got. */
function webhookCalls(discord: FakeRest): string[] {
  return discord.requests
    .filter((request) => request.path.startsWith("/webhooks/"))
    .map((request) =>
      `${request.method} ${
        request.path.endsWith("/messages/@original") ? "@original" : "followup"
      }`
    );
}

/** Whether `error` is an InteractionError of `kind` whose message matches. */
function refused(
  kind: string,
  message: RegExp,
): (error: unknown) => boolean {
  return (error: unknown): boolean => {
    assert.ok(error instanceof InteractionError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    return true;
  };
}

Deno.test("followUp({ ephemeral: true }) right after a public defer() is refused: Discord would put the private text in the public loading message", async () => {
  const { discord, ctx } = setUp();
  await ctx.defer();
  await assert.rejects(
    ctx.followUp({ content: "your code is 1234", ephemeral: true }),
    refused(
      "invalid_response",
      /followUp\(\{ ephemeral: true \}\).*public defer\(\)/,
    ),
  );
  assert.deepEqual(webhookCalls(discord), [], "nothing sent");
  assert.equal(ctx.state, "deferred");
});

Deno.test("followUp() right after defer() edits the loading message, answers the interaction and returns the original", async () => {
  const { discord, ctx } = setUp();
  await ctx.defer();
  const message = await ctx.followUp("done");
  assert.deepEqual(webhookCalls(discord), ["PATCH @original"]);
  assert.equal(ctx.state, "answered");
  assert.equal(message.content, "done");
  const [original] = discord.messages();
  assert.equal(discord.messages().length, 1, "no new message");
  assert.equal(original!.id, message.id);
  // Answered: a second initial response is refused as after respond().
  await assert.rejects(ctx.respond("again"), refused("already_answered", /./));
  // The next follow-up is a new message.
  await ctx.followUp({ content: "private", ephemeral: true });
  assert.deepEqual(webhookCalls(discord), ["PATCH @original", "POST followup"]);
  assert.equal(discord.messages()[1]!.flags, EPHEMERAL);
});

Deno.test("followUp({ ephemeral: false }) right after defer({ ephemeral: true }) is refused; a plain one edits the private loading message", async () => {
  const { discord, ctx } = setUp();
  await ctx.defer({ ephemeral: true });
  await assert.rejects(
    ctx.followUp({ content: "for all", ephemeral: false }),
    refused("invalid_response", /followUp\(\{ ephemeral: false \}\)/),
  );
  assert.deepEqual(webhookCalls(discord), []);
  const message = await ctx.followUp({ content: "secret", ephemeral: true });
  assert.deepEqual(webhookCalls(discord), ["PATCH @original"]);
  assert.equal((message.flags ?? 0) & EPHEMERAL, EPHEMERAL);
  assert.equal(ctx.state, "answered");
});

Deno.test("followUp() after defer() and editOriginal() is a new message: the loading message is gone", async () => {
  const { discord, ctx } = setUp();
  await ctx.defer();
  await ctx.editOriginal("working on it");
  await ctx.followUp({ content: "private", ephemeral: true });
  assert.deepEqual(webhookCalls(discord), [
    "PATCH @original",
    "POST followup",
  ]);
  assert.equal(discord.messages().length, 2);
});

Deno.test("followUp({ ephemeral: true }) after deferUpdate() is a new private message, as Discord documents", async () => {
  const { discord, ctx } = setUp(3);
  await ctx.deferUpdate();
  const message = await ctx.followUp({ content: "only you", ephemeral: true });
  assert.deepEqual(webhookCalls(discord), ["POST followup"]);
  assert.notEqual(message.id, "700");
  assert.equal(message.flags, EPHEMERAL);
  assert.equal(ctx.state, "deferred");
});

Deno.test("an initial response Discord refuses as an unknown interaction (10062) fails as token_expired, saying why", async () => {
  const clock = new VirtualScheduler();
  const discord = new FakeRest({ token: "t", scheduler: clock });
  const rest = new RestClient({ token: "t", fetch: discord.fetch });
  discord.addInteraction({ id: "5", token: "tok", type: 2 });
  await clock.advance(3000); // Discord dropped it
  // A context that does not know how long ago it arrived.
  const ctx = new InteractionContext(
    {
      id: "5",
      type: 2,
      token: "tok",
      application_id: discord.applicationId,
    } as never,
    { rest, scheduler: clock },
  );
  const failed = await ctx.respond("late").then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(failed instanceof InteractionError, String(failed));
  assert.equal(failed.kind, "token_expired");
  assert.match(failed.message, /10062/);
  assert.match(failed.message, /3 s/);
  assert.match(failed.message, /defer\(\)/);
  assert.ok(failed.cause instanceof DiscordApiError);
  assert.equal(ctx.state, "pending");
});
