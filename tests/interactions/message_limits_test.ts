// Discord's message counts are checked before anything is sent, for every
// reply of a context: at most 5 action rows without Components v2, 40
// components in all (nested ones counted) with it, and 10 embeds. In HTTP
// mode such a reply used to go out as a 200 that Discord refuses.
import assert from "node:assert/strict";
import { button, row } from "../../interactions/components.ts";
import {
  container,
  section,
  textDisplay,
  thumbnail,
} from "../../interactions/components_v2.ts";
import { command } from "../../interactions/commands.ts";
import {
  InteractionContext,
  type MessageResponse,
} from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import type { MessageComponent } from "../../types/objects/component.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const go = command({ name: "go", description: "Go" });

/** The /go payload with id `id`. */
function interaction(id: string): Interaction {
  return commandInteraction({ id, name: "go" });
}

const rows = (n: number): MessageComponent[] =>
  Array.from({ length: n }, (_, i) => row(button({ id: `b${i}`, label: "x" })));
const texts = (n: number, from = 0): MessageComponent[] =>
  Array.from({ length: n }, (_, i) => textDisplay(`t${from + i}`));
const embeds = (n: number): { title: string }[] =>
  Array.from({ length: n }, (_, i) => ({ title: `e${i}` }));

/** A container of a section (text + thumbnail) and `extra` text displays. */
function card(extra: number): MessageComponent {
  return container([
    section(["s"], thumbnail("https://x/a.png")),
    ...texts(extra) as never[],
  ]);
}

function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof InteractionError && error.kind === "invalid_response" &&
    pattern.test(error.message);
}

Deno.test("HTTP mode: six action rows, 41 Components v2 components or 11 embeds get a 500 and onError, not a 200", async () => {
  const { signer, fake, router, errors, handler } = await endpointHarness();
  let body: MessageResponse = {};
  router.command(go, (_, ctx) => ctx.respond(body));
  const cases: [MessageResponse, RegExp][] = [
    [{ content: "rows", components: rows(6) }, /5 action rows.*'6'/],
    [{ components: texts(41) }, /40 components.*'41'/],
    [{ embeds: embeds(11) }, /10 embeds.*'11'/],
  ];
  let id = 700;
  for (const [message, pattern] of cases) {
    body = message;
    const response = await handler(
      await signer.request(interaction(String(id++))),
    );
    assert.equal(response.status, 500, `${pattern} went out`);
    await response.body?.cancel();
    const error = errors.shift();
    assert.ok(refused(pattern)(error), String(error));
  }
  assert.equal(fake.requests.length, 0);
});

Deno.test("the limits themselves are allowed: 5 rows, 40 components (nested counted), 10 embeds", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const allowed: MessageResponse[] = [
    { content: "rows", components: rows(5) },
    // container 1 + section 1 + its text 1 + thumbnail 1 + 36 texts = 40.
    { components: [card(36)] },
    { embeds: embeds(10) },
    // With Components v2 the five-row rule gives way to the 40 in all.
    { components: [...rows(6), textDisplay("t")] },
  ];
  let id = 800;
  for (const message of allowed) {
    const ctx = new InteractionContext(interaction(String(id++)), { rest });
    await ctx.respond(message);
    assert.equal(ctx.state, "answered");
  }
  assert.equal(fake.interactionResponses.length, allowed.length);
});

Deno.test("nested components count towards the 40 of Components v2, the flag set by hand included", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const ctx = new InteractionContext(interaction("900"), { rest });
  await assert.rejects(
    ctx.respond({ components: [card(37)] }), // 41 with the nested ones
    refused(/at most 40 components.*'41'/),
  );
  // IS_COMPONENTS_V2 set with rows only: 21 rows of a button are 42.
  await assert.rejects(
    ctx.respond({ components: rows(21), flags: 1 << 15 }),
    refused(/40 components.*'42'/),
  );
  assert.equal(ctx.state, "pending");
  assert.equal(fake.requests.length, 0);
});

Deno.test("follow-ups, edits and update() are checked the same way before sending", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const ctx = new InteractionContext(interaction("901"), { rest });
  await ctx.respond("first");
  const sent = fake.requests.length;
  await assert.rejects(
    ctx.followUp({ components: rows(6) }),
    refused(/5 action rows/),
  );
  await assert.rejects(
    ctx.editOriginal({ embeds: embeds(11) }),
    refused(/10 embeds/),
  );
  await assert.rejects(
    ctx.followUp({ components: texts(41) }),
    refused(/40 components/),
  );
  const click = new InteractionContext(
    { ...interaction("902"), type: 3, message: { id: "1" } } as never,
    { rest },
  );
  await assert.rejects(
    click.update({ components: rows(6) }),
    refused(/5 action rows/),
  );
  assert.equal(fake.requests.length, sent, "a refused reply was sent");
});
