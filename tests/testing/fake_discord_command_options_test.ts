/**
 * The options a simulated user sends with a command: autocomplete inside a
 * subcommand (and a group) types the focused and the filled options as
 * that subcommand defines them, and `runCommand` takes a definition in a
 * fetched command's shape (limits `null`, choices `[]`) as Discord's
 * client does (no limit, no fixed choices).
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import {
  command,
  integer,
  string,
  subcommand,
  subcommandGroup,
} from "../../interactions/commands.ts";
import type { OptionDefinition } from "../../interactions/commands.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import type { InteractionCreateDispatch } from "../../types/dispatch_payloads.ts";

async function startBot(
  discord: FakeDiscord,
): Promise<{ client: Client; seen: InteractionCreateDispatch[] }> {
  const seen: InteractionCreateDispatch[] = [];
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  const client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  client.on("INTERACTION_CREATE", async (interaction) => {
    seen.push(interaction);
    await rest.createInteractionResponse(
      interaction.id,
      interaction.token,
      interaction.type === 4
        ? { type: 8, data: { choices: [{ name: "one", value: 1 }] } }
        : { type: 4, data: { content: "ok" } },
    );
  });
  await client.start();
  return { client, seen };
}

const search = command({
  name: "search",
  description: "Search",
  options: {
    text: subcommand({
      description: "Text",
      options: {
        q: string({ description: "q", autocomplete: true }),
        page: string({ description: "p" }),
      },
    }),
    num: subcommand({
      description: "Number",
      options: {
        q: integer({ description: "q", autocomplete: true }),
        page: integer({ description: "p" }),
      },
    }),
    deep: subcommandGroup({
      description: "Deep",
      options: {
        num: subcommand({
          description: "Number",
          options: {
            q: integer({ description: "q", autocomplete: true }),
            page: integer({ description: "p" }),
          },
        }),
      },
    }),
  },
});

/** The innermost option list of an interaction the bot saw. */
function leafOptions(
  interaction: InteractionCreateDispatch,
): Record<string, unknown>[] {
  let list =
    (interaction.data as unknown as { options: Record<string, unknown>[] })
      .options;
  while (list[0] && (list[0].type === 1 || list[0].type === 2)) {
    list = list[0].options as Record<string, unknown>[];
  }
  return list;
}

Deno.test("FakeDiscord.autocomplete types the focused and filled options of the named subcommand", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(discord);
  await using _client = client;
  await discord.autocomplete(search, "q", "1", {
    unregistered: true,
    subcommand: "num",
    filled: { page: 2 },
  });
  assert.deepEqual(leafOptions(seen[0]!), [
    { name: "page", type: 4, value: 2 },
    { name: "q", type: 4, value: "1", focused: true },
  ]);
  await discord.autocomplete(search, "q", "1", {
    unregistered: true,
    subcommand: "deep num",
    filled: { page: 3 },
  });
  assert.deepEqual(leafOptions(seen[1]!), [
    { name: "page", type: 4, value: 3 },
    { name: "q", type: 4, value: "1", focused: true },
  ]);
  for (const subcommand of ["nope", "deep", "num deep"]) {
    await assert.rejects(
      discord.autocomplete(search, "q", "1", {
        unregistered: true,
        subcommand,
      }),
      /has no subcommand/,
    );
  }
  await assert.rejects(
    discord.autocomplete(search, "q", "1", {
      unregistered: true,
      subcommand: "text",
      filled: { nope: "x" },
    }),
    /Unknown option 'nope'/,
  );
  assert.equal(seen.length, 2, "nothing is sent for a refused autocomplete");
});

Deno.test("FakeDiscord.runCommand takes null limits and empty choices as none", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(discord);
  await using _client = client;
  // A fetched command's shape, which command() accepts.
  const fetched = command({
    name: "fetched",
    description: "Fetched",
    options: {
      n: {
        type: 4,
        description: "n",
        required: false,
        min_value: null,
        max_value: null,
      } as unknown as OptionDefinition,
      s: {
        type: 3,
        description: "s",
        required: false,
        min_length: null,
        max_length: null,
      } as unknown as OptionDefinition,
      c: {
        type: 3,
        description: "c",
        required: false,
        choices: [],
      } as unknown as OptionDefinition,
    },
  });
  for (const values of [{ n: -5 }, { n: 5 }, { s: "hello" }, { c: "x" }]) {
    const answer = await discord.runCommand(fetched, values as never, {
      unregistered: true,
    });
    assert.equal(answer.body.type, 4, JSON.stringify(values));
  }
  assert.equal(seen.length, 4);
  // A numeric limit still holds.
  const bounded = command({
    name: "bounded",
    description: "Bounded",
    options: { n: integer({ description: "n", min: 2, max: 9 }) },
  });
  await assert.rejects(
    async () =>
      await discord.runCommand(bounded, { n: 10 }, { unregistered: true }),
    RangeError,
  );
});
