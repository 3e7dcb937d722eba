// An edit cannot change a message's visibility: Discord keeps it. Asking
// `ephemeral: false` of an edit of a message known to be ephemeral (the
// answer to `defer({ ephemeral: true })`, an ephemeral message clicked) is
// refused, as `respond({ ephemeral: false })` after that defer is, rather
// than sent and left private without a word.
import assert from "node:assert/strict";
import { ANSWERED_MESSAGE } from "../_fakes/interactions.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";

const EPHEMERAL = 1 << 6;

/** A context for `interaction`, the request bodies recorded. */
function contextFor(interaction: Record<string, unknown>): {
  ctx: InteractionContext;
  sent: unknown[];
} {
  const sent: unknown[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const text = await request.text();
      sent.push(text && JSON.parse(text));
      return new URL(request.url).pathname.includes("/interactions/")
        ? new Response(null, { status: 204 })
        : Response.json(ANSWERED_MESSAGE);
    },
  });
  const ctx = new InteractionContext(
    { id: "5", token: "tok", application_id: "42", ...interaction } as never,
    { rest },
  );
  return { ctx, sent };
}

Deno.test("editOriginal({ ephemeral: false }) after defer({ ephemeral: true }) is refused unsent", async () => {
  const { ctx, sent } = contextFor({
    type: 2,
    data: { id: "1", name: "roll", type: 1 },
  });
  await ctx.defer({ ephemeral: true });
  await assert.rejects(
    ctx.editOriginal({ content: "for everyone", ephemeral: false }),
    (error: unknown) =>
      error instanceof InteractionError && error.kind === "invalid_response" &&
      /followUp\(\)/.test(error.message),
  );
  assert.equal(sent.length, 1); // the defer only
  // Without `ephemeral`, the edit goes as before.
  await ctx.editOriginal({ content: "for you" });
  assert.deepEqual(sent[1], { content: "for you" });
});

Deno.test("update({ ephemeral: false }) of an ephemeral message is refused; of a public one it passes", async () => {
  const clicked = (flags: number) =>
    contextFor({
      type: 3,
      message: { id: "9", flags },
      data: { custom_id: "x", component_type: 2 },
    });
  const private_ = clicked(EPHEMERAL);
  await assert.rejects(
    private_.ctx.update({ content: "for everyone", ephemeral: false }),
    InteractionError,
  );
  assert.equal(private_.sent.length, 0);
  const public_ = clicked(0);
  await public_.ctx.update({ content: "still public", ephemeral: false });
  assert.equal(public_.sent.length, 1);
});
