// A message response whose components are written as literals is checked as
// the builders check them (each button, select and Components v2 part
// rebuilt through its builder, a row's width included), and its
// `allowed_mentions` against Discord's rules. Only the counts and the
// duplicate ids used to be checked: over the HTTP endpoint a row of 6
// buttons, a button beside a select, a custom id of 101 characters, `parse`
// next to `users` or 101 user ids became the 200 answer, `respond()`
// resolved and the user saw "This interaction failed".
import assert from "node:assert/strict";
import { messageData } from "../../interactions/_message_data.ts";
import { command } from "../../interactions/commands.ts";
import {
  button,
  channelSelect,
  linkButton,
  mentionableSelect,
  premiumButton,
  roleSelect,
  row,
  stringSelect,
  userSelect,
} from "../../interactions/components.ts";
import {
  container,
  file,
  mediaGallery,
  section,
  separator,
  textDisplay,
  thumbnail,
} from "../../interactions/components_v2.ts";
import type { MessageResponse } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import type { MessageComponent } from "../../types/objects/component.ts";

const b = (i: number, extra: Record<string, unknown> = {}) => ({
  type: 2,
  style: 1,
  custom_id: `b${i}`,
  label: "x",
  ...extra,
});
const select = {
  type: 3,
  custom_id: "s",
  options: [{ label: "a", value: "a" }],
};

/** The reviewer's five responses, and what each refusal names. */
const FIVE: [string, Record<string, unknown>, RegExp][] = [
  [
    "parse users next to users",
    { content: "x <@1>", allowed_mentions: { parse: ["users"], users: ["1"] } },
    /'parse' names "users" .*'users' lists ids/,
  ],
  [
    "101 user ids",
    {
      content: "x",
      allowed_mentions: {
        users: Array.from({ length: 101 }, (_, i) => String(i + 1)),
      },
    },
    /'users' .*at most 100 ids: current count '101'/,
  ],
  [
    "a button and a select in one row",
    { content: "x", components: [{ type: 1, components: [b(0), select] }] },
    /select must be alone in its row/,
  ],
  [
    "a row of 6 buttons",
    {
      content: "x",
      components: [{
        type: 1,
        components: [0, 1, 2, 3, 4, 5].map((i) => b(i)),
      }],
    },
    /'components' must hold 1-5 items: current count '6'/,
  ],
  [
    "a custom id of 101 characters",
    {
      content: "x",
      components: [{
        type: 1,
        components: [b(0, { custom_id: "x".repeat(101) })],
      }],
    },
    /custom id .*1-100 characters: current length '101'/,
  ],
];

/** More literals only the builders' rules refuse. */
const MORE: [string, unknown[], RegExp][] = [
  [
    "a label of 81 characters",
    [{ type: 1, components: [b(0, { label: "x".repeat(81) })] }],
    /'label' must be at most 80 characters: current length '81'/,
  ],
  [
    "a select of 26 options",
    [{
      type: 1,
      components: [{
        type: 3,
        custom_id: "s",
        options: Array.from(
          { length: 26 },
          (_, i) => ({ label: `l${i}`, value: `v${i}` }),
        ),
      }],
    }],
    /'options' must hold 1-25 items: current count '26'/,
  ],
  [
    "an empty row",
    [{ type: 1, components: [] }],
    /'components' must hold 1-5 items: current count '0'/,
  ],
  [
    "a button with neither label nor emoji",
    [{ type: 1, components: [{ type: 2, style: 2, custom_id: "n" }] }],
    /needs a label or an emoji/,
  ],
  [
    "a button of an unknown style",
    [{ type: 1, components: [b(0, { style: 9 })] }],
    /'style' must be .*current value '9'/,
  ],
  [
    "a link button's URL of 513 characters",
    [{
      type: 1,
      components: [{
        type: 2,
        style: 5,
        url: `https://x/${"a".repeat(503)}`,
        label: "l",
      }],
    }],
    /'url' must be at most 512 characters/,
  ],
  [
    "a user select with a role default",
    [{
      type: 1,
      components: [{
        type: 5,
        custom_id: "u",
        default_values: [{ id: "1", type: "role" }],
      }],
    }],
    /role/,
  ],
  [
    "a select's min above max",
    [{
      type: 1,
      components: [{ type: 6, custom_id: "r", min_values: 3, max_values: 2 }],
    }],
    /'min' is above 'max'/,
  ],
];

function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof InteractionError && error.kind === "invalid_response" &&
    pattern.test(error.message);
}

Deno.test("HTTP endpoint: the reviewer's five literal responses are refused before anything is sent", async () => {
  const caught: unknown[] = [];
  const errors: Error[] = [];
  let current: Record<string, unknown> = {};
  const cmd = command({ name: "t", description: "t" });
  const router = new InteractionRouter({ onError: (e) => void errors.push(e) })
    .command(cmd, async (_, ctx) => {
      try {
        await ctx.respond(current as MessageResponse);
      } catch (error) {
        caught.push(error);
        // Still pending: the refused answer was never given.
        await ctx.respond("fallback");
      }
    });
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  discord.useEndpoint(interactionsEndpoint({
    publicKey: discord.publicKey,
    router,
    rest,
  }));
  await syncCommands(rest, router.commands);
  for (const [name, body, pattern] of FIVE) {
    current = body;
    const answer = await discord.runCommand(cmd, {});
    assert.equal(answer.body.data?.content, "fallback", name);
    assert.ok(refused(pattern)(caught.at(-1)), `${name}: ${caught.at(-1)}`);
  }
  assert.equal(caught.length, FIVE.length);
  assert.deepEqual(errors, []);
});

Deno.test("messageData refuses the five, and literals only the builders' rules refuse", () => {
  for (const [name, body, pattern] of FIVE) {
    assert.throws(
      () => messageData(body as MessageResponse, true),
      refused(pattern),
      name,
    );
  }
  for (const [name, components, pattern] of MORE) {
    assert.throws(
      () =>
        messageData(
          { content: "x", components: components as MessageComponent[] },
          true,
        ),
      refused(pattern),
      name,
    );
  }
});

Deno.test("allowed_mentions: unknown parse entries, 101 roles and parse next to roles are refused; empty lists and valid ones pass", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));
  const bad: [unknown, RegExp][] = [
    [{ parse: ["everyone", "bogus"] }, /'parse' .*'bogus'/],
    [{ parse: "users" }, /'parse' must be an array/],
    [{ roles: ids(101) }, /'roles' .*at most 100 ids: current count '101'/],
    [{ parse: ["roles"], roles: ["1"] }, /'parse' names "roles"/],
  ];
  for (const [mentions, pattern] of bad) {
    assert.throws(
      () =>
        messageData(
          { content: "x", allowed_mentions: mentions } as MessageResponse,
          true,
        ),
      refused(pattern),
      JSON.stringify(mentions),
    );
  }
  const good: unknown[] = [
    {},
    { parse: [] },
    { parse: ["users", "roles", "everyone"] },
    // An empty list beside `parse` is what Discord's own examples send.
    { parse: ["users"], users: [] },
    { parse: ["everyone"], users: ids(100), roles: ids(100) },
    { replied_user: true },
  ];
  for (const mentions of good) {
    const { data } = messageData(
      { content: "x", allowed_mentions: mentions } as MessageResponse,
      true,
    );
    assert.deepEqual(data.allowed_mentions, mentions);
  }
});

/** Every builder's output, kept as the plain literal it is. */
function builtLiterals(): MessageComponent[][] {
  const literal = <T>(value: T): T => JSON.parse(JSON.stringify(value));
  return [
    [
      row(
        button({ id: "a", label: "A", style: "primary" }),
        button({ id: "b", emoji: { name: "🎲" }, style: "danger" }),
        linkButton({ url: "https://example.com", label: "Docs" }),
        premiumButton("123", { disabled: true }),
      ),
      row(stringSelect({
        id: "s",
        placeholder: "p",
        options: [{ label: "a", value: "a" }, { label: "b", value: "b" }],
        min: 1,
        max: 2,
      })),
      row(userSelect({ id: "u", defaults: [{ id: "1", type: "user" }] })),
      row(roleSelect({ id: "r", min: 0, max: 3 })),
      row(mentionableSelect({ id: "m" })),
    ],
    [row(channelSelect({ id: "c", channelTypes: [0, 2] }))],
    [
      container([
        section(
          ["# t", "b"],
          thumbnail("https://x/a.png", { description: "d" }),
        ),
        section("s", button({ id: "sb", label: "go" })),
        textDisplay("t"),
        mediaGallery("https://x/b.png", {
          media: { url: "attachment://c.png" },
          description: "cat",
        }),
        file("a.pdf", { spoiler: true }),
        separator({ divider: false, spacing: "large" }),
        row(button({ id: "in", label: "in" })),
      ], { accentColor: 0x5865f2, spoiler: false }),
      textDisplay("top"),
      separator(),
    ],
  ].map(literal);
}

Deno.test("the literal forms of every builder's output pass, and go out as given", () => {
  for (const components of builtLiterals()) {
    const { data } = messageData({ components }, true);
    assert.deepEqual(data.components, components);
  }
});

Deno.test("a Components v2 literal: container with section + thumbnail passes; a child breaking a rule is refused", () => {
  const card = (
    thumb: Record<string, unknown>,
    texts: unknown[] = [{ type: 10, content: "t" }],
    extra: Record<string, unknown> = {},
  ): MessageComponent[] =>
    [{
      type: 17,
      accent_color: null,
      components: [{
        type: 9,
        components: texts,
        accessory: { type: 11, media: { url: "https://x/a.png" }, ...thumb },
      }],
      ...extra,
    }] as unknown as MessageComponent[];
  const { data } = messageData(
    { components: card({ description: null }) },
    true,
  );
  assert.equal(data.flags, 1 << 15);
  const cases: [string, MessageComponent[], RegExp][] = [
    [
      "a thumbnail description of 1025",
      card({ description: "x".repeat(1025) }),
      /'description' must be at most 1024 characters/,
    ],
    [
      "a section of 4 texts",
      card({}, Array.from({ length: 4 }, () => ({ type: 10, content: "t" }))),
      /'components' must hold 1-3 items: current count '4'/,
    ],
    [
      "a section button accessory with a long custom id",
      [{
        type: 17,
        components: [{
          type: 9,
          components: [{ type: 10, content: "t" }],
          accessory: b(0, { custom_id: "y".repeat(101) }),
        }],
      }] as unknown as MessageComponent[],
      /custom id .*current length '101'/,
    ],
    [
      "a container's accent colour out of range",
      card({}, undefined, { accent_color: 0x1000000 }),
      /'accentColor' must be an RGB integer/,
    ],
    [
      "a container in a container",
      [{
        type: 17,
        components: [{ type: 17, components: [{ type: 10, content: "t" }] }],
      }] as unknown as MessageComponent[],
      /may not hold a component of type 17/,
    ],
    [
      "an empty container",
      [{ type: 17, components: [] }] as unknown as MessageComponent[],
      /'components' must hold 1-40 items: current count '0'/,
    ],
    [
      "a media gallery of 11",
      [{
        type: 12,
        items: Array.from({ length: 11 }, () => ({ media: { url: "u" } })),
      }] as unknown as MessageComponent[],
      /'items' must hold 1-10 items: current count '11'/,
    ],
    [
      "a separator's unknown spacing",
      [{ type: 14, spacing: 3 }] as unknown as MessageComponent[],
      /'spacing' must be/,
    ],
    [
      "a file without a URL",
      [{ type: 13, file: {} }] as unknown as MessageComponent[],
      /'file\.url' must be/,
    ],
    [
      "a row of 6 in a container",
      [{
        type: 17,
        components: [{
          type: 1,
          components: [0, 1, 2, 3, 4, 5].map((i) => b(i)),
        }],
      }] as unknown as MessageComponent[],
      /'components' must hold 1-5 items: current count '6'/,
    ],
  ];
  for (const [name, components, pattern] of cases) {
    assert.throws(
      () => messageData({ components }, true),
      refused(pattern),
      name,
    );
  }
});

Deno.test("component types Discord may add later pass unchecked, and do not make their row refused", () => {
  const future = { type: 99, whatever: true };
  const components = [
    future,
    { type: 1, components: [b(0), future] },
    { type: 17, components: [future] },
  ] as unknown as MessageComponent[];
  const { data } = messageData({ components }, true);
  assert.deepEqual(data.components, components);
  // A known child of such a row is still checked.
  assert.throws(
    () =>
      messageData({
        components: [{
          type: 1,
          components: [b(0, { label: "x".repeat(81) }), future],
        }] as unknown as MessageComponent[],
      }, true),
    refused(/'label' must be at most 80/),
  );
});

Deno.test("a select option's null field counts as unset, as a component's does; components: null is no repeated id", () => {
  const components = [{
    type: 1,
    components: [{
      type: 3,
      custom_id: "pick",
      options: [
        { label: "A", value: "a", description: null, emoji: null },
        { label: "B", value: "b", default: null },
      ],
    }],
  }] as unknown as MessageComponent[];
  const { data } = messageData({ components }, true);
  assert.deepEqual(data.components, components, "sent as given");
  const long = structuredClone(components) as unknown as {
    components: { options: { description: unknown }[] }[];
  }[];
  long[0]!.components[0]!.options[0]!.description = "x".repeat(101);
  assert.throws(
    () => messageData({ components: long as never }, true),
    /options\.description/,
  );
  const { data: cleared } = messageData(
    { components: null } as unknown as MessageResponse,
    false,
    0,
  );
  assert.equal(cleared.components, null);
});

Deno.test("allowed_mentions and a file's url that are hostile objects are refused with invalid_response, shown without calling them", () => {
  const hostile = {
    toString(): string {
      throw new Error("toString called");
    },
  };
  for (
    const allowed_mentions of [{ parse: hostile }, { users: hostile }]
  ) {
    assert.throws(
      () =>
        messageData(
          { content: "x", allowed_mentions } as unknown as MessageResponse,
          true,
        ),
      (error) =>
        error instanceof InteractionError &&
        error.kind === "invalid_response" &&
        /current value 'object'/.test(error.message),
    );
  }
  assert.throws(
    () =>
      messageData({
        components: [{ type: 13, file: { url: hostile } }],
      } as unknown as MessageResponse, true),
    (error) =>
      error instanceof InteractionError &&
      /'file\.url' must be a string .*current value 'object'/.test(
        error.message,
      ),
  );
});
