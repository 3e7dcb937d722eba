// A bot for the test kit's interaction tests: it keeps every interaction it
// saw and answers each (by default with "ok"), so a test reads what the
// fake sent: its resolved data, its permissions, its metadata.
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import type { RestUser } from "../../rest/payloads.ts";
import type { FakeDiscord } from "../../testing/fake_discord.ts";
import type { InteractionCreateDispatch } from "../../types/dispatch_payloads.ts";

/** What an interaction resolved, by kind and id. */
export type Resolved = Record<string, Record<string, Record<string, unknown>>>;

/** A user as the tests pick one. */
export function someone(id: string, username: string): RestUser {
  return { id, username, discriminator: "0", global_name: null, avatar: null };
}

/** The `resolved` of an interaction the bot saw. */
export function resolvedOf(interaction: InteractionCreateDispatch): Resolved {
  return (interaction.data as unknown as { resolved?: Resolved }).resolved ??
    {};
}

/**
 * Start a Client on `discord` that records every interaction in `seen` and
 * answers it with `answer` (default: "ok").
 */
export async function startInteractionBot(
  discord: FakeDiscord,
  answer: (
    interaction: InteractionCreateDispatch,
    ctx: Context,
  ) => Promise<unknown> = (interaction, ctx) => ctx.respond(interaction, "ok"),
): Promise<{ client: Client; seen: InteractionCreateDispatch[] }> {
  const seen: InteractionCreateDispatch[] = [];
  const client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  client.on("INTERACTION_CREATE", async (interaction, ctx) => {
    seen.push(interaction);
    await answer(interaction, ctx);
  });
  await client.start();
  return { client, seen };
}
