// Discord's embed limits (title 256, description 4096, 25 fields, field
// name 256 and value 1024, footer text 2048, author name 256, 6000 of
// those characters across a message's embeds, trimmed, in code points) are
// checked before anything is sent, for every reply of a context. In HTTP
// mode such a reply used to go out as a 200 that Discord refuses ("This
// interaction failed") while ctx.respond() resolved.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import {
  InteractionContext,
  type MessageResponse,
} from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import type {
  EmbedPayload,
  InteractionResponseBody,
} from "../../rest/payloads.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const go = command({ name: "go", description: "Go" });

/** The /go payload with id `id`. */
function interaction(id: string): Interaction {
  return commandInteraction({ id, name: "go" });
}

const text = (n: number, char = "x"): string => char.repeat(n);
const fields = (n: number, name = "n", value = "v") =>
  Array.from({ length: n }, () => ({ name, value }));

function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof InteractionError && error.kind === "invalid_response" &&
    pattern.test(error.message);
}

/** Each limit passed by one, and what the refusal must name. */
const OVER: [EmbedPayload[], RegExp][] = [
  [[{ title: text(257) }], /Embed 0's 'title' .*at most 256.*'257'/],
  [
    [{ title: "ok" }, { description: text(4097) }],
    /Embed 1's 'description' .*at most 4096.*'4097'/,
  ],
  [[{ fields: fields(26) }], /Embed 0 .*at most 25 'fields'.*'26'/],
  [
    [{ fields: [...fields(3), { name: text(257), value: "v" }] }],
    /Embed 0's 'fields\[3\]\.name' .*at most 256.*'257'/,
  ],
  [
    [{ fields: [{ name: "n", value: text(1025) }] }],
    /Embed 0's 'fields\[0\]\.value' .*at most 1024.*'1025'/,
  ],
  [
    [{ footer: { text: text(2049) } }],
    /Embed 0's 'footer\.text' .*at most 2048.*'2049'/,
  ],
  [
    [{ author: { name: text(257) } }],
    /Embed 0's 'author\.name' .*at most 256.*'257'/,
  ],
  // Each within its own limit, 6001 together: named at the second embed.
  [
    [{ description: text(4096) }, { description: text(1905) }],
    /at most 6000 characters in all.*embeds 0-1 have '6001'/,
  ],
  // Field names and values count towards the 6000: 4096 + 256 + 1024 +
  // 1 + 624 is 6001 in one embed.
  [
    [{
      description: text(4096),
      fields: [{ name: text(256), value: text(1024) }, {
        name: "n",
        value: text(624),
      }],
    }],
    /at most 6000 characters in all.*embeds 0-0 have '6001'/,
  ],
  // Code points, as Discord counts: 257 emoji are 257 characters.
  [[{ title: text(257, "😀") }], /'title' .*at most 256.*'257'/],
];

Deno.test("HTTP mode: an embed over Discord's limits gets a 500 and onError naming the embed, field and limit, not a 200", async () => {
  const { signer, fake, router, errors, handler } = await endpointHarness();
  let body: MessageResponse = {};
  router.command(go, (_, ctx) => ctx.respond(body));
  let id = 1700;
  for (const [embeds, pattern] of OVER) {
    body = { embeds };
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

Deno.test("the embed limits themselves are allowed, counted in code points without leading and trailing whitespace", async () => {
  const sent: InteractionResponseBody[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: new FakeRest({ token: "t" }).fetch,
  });
  const allowed: EmbedPayload[][] = [
    [{
      title: text(256),
      description: text(4096),
      footer: { text: text(1000) },
      author: { name: text(256) },
      fields: fields(25, "n", "v"),
    }],
    [{ fields: [{ name: text(256), value: text(1024) }] }],
    [{ footer: { text: text(2048) } }],
    // Exactly 6000 in one embed, its fields counted.
    [{
      description: text(4096),
      fields: [{ name: text(256), value: text(1024) }, {
        name: "n",
        value: text(623),
      }],
    }],
    // Exactly 6000 across embeds.
    [{ description: text(4096) }, { description: text(1904) }],
    [{ title: text(256, "😀") }],
    // Discord trims before counting: 256 characters with whitespace around.
    [{ title: ` \n${text(256)}\t `, description: `  ${text(4096)}  ` }],
    [{ description: text(4096) }, { description: ` ${text(1904)}\n` }],
  ];
  let id = 1800;
  for (const embeds of allowed) {
    const ctx = new InteractionContext(interaction(String(id++)), {
      rest,
      respond: (body) => {
        sent.push(body);
        return Promise.resolve();
      },
    });
    await ctx.respond({ embeds });
    assert.equal(ctx.state, "answered");
  }
  assert.equal(sent.length, allowed.length);
  // Sent as given: the check trims only to count.
  assert.deepEqual(sent[6]!.data, { embeds: allowed[6] });
});

Deno.test("follow-ups, edits and update() check the embed limits before sending", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const ctx = new InteractionContext(interaction("1901"), { rest });
  await ctx.respond("first");
  const sent = fake.requests.length;
  await assert.rejects(
    ctx.followUp({ embeds: [{ title: text(257) }] }),
    refused(/Embed 0's 'title'/),
  );
  await assert.rejects(
    ctx.editOriginal({ embeds: [{ fields: fields(26) }] }),
    refused(/25 'fields'/),
  );
  await assert.rejects(
    ctx.editOriginal({
      embeds: [{ description: text(3000) }, { description: text(3001) }],
    }),
    refused(/6000 characters in all.*'6001'/),
  );
  assert.equal(fake.requests.length, sent, "a refused reply was sent");
  const deferred = new InteractionContext(interaction("1902"), { rest });
  await deferred.defer();
  const afterDefer = fake.requests.length;
  await assert.rejects(
    deferred.respond({ embeds: [{ footer: { text: text(2049) } }] }),
    refused(/'footer\.text'/),
  );
  assert.equal(deferred.state, "deferred");
  assert.equal(fake.requests.length, afterDefer, "a refused answer was sent");
  const click = new InteractionContext(
    { ...interaction("1903"), type: 3, message: { id: "1" } } as never,
    { rest },
  );
  await assert.rejects(
    click.update({ embeds: [{ author: { name: text(257) } }] }),
    refused(/'author\.name'/),
  );
  assert.equal(click.state, "pending");
  assert.equal(fake.requests.length, afterDefer, "a refused update was sent");
});
