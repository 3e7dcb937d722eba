// The scene of the FakeRest message search tests: guild GUILD with text
// channels TEXT and OTHER, an age-restricted channel NSFW, a thread of it,
// and guild ELSEWHERE with its own channel; messages seeded with addMessage,
// their ids in the order they are listed, and searched through the real
// searchGuildMessages.
import { RestClient } from "../../rest/rest_client.ts";
import {
  searchGuildMessages,
  type SearchGuildMessagesQuery,
} from "../../rest/mod.ts";
import type { RestMessage, RestUser } from "../../rest/payloads.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

export const GUILD = "100000000000000001";
export const TEXT = "100000000000000002";
export const OTHER = "100000000000000003";
export const NSFW = "100000000000000004";
export const NSFW_THREAD = "100000000000000005";
export const ELSEWHERE = "100000000000000010";
export const ELSEWHERE_TEXT = "100000000000000011";

/** A user account. */
export const ADA: RestUser = {
  id: "300000000000000001",
  username: "ada",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

/** Another application's bot. */
export const ROBOT: RestUser = { ...ADA, id: "300000000000000002", bot: true };

/** A FakeRest holding the scene, and a client on it. */
export function searchScene(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  fake.resources.addGuild({ id: GUILD });
  fake.resources.addGuild({ id: ELSEWHERE });
  fake.resources.addChannel({ id: TEXT, type: 0, guild_id: GUILD });
  fake.resources.addChannel({ id: OTHER, type: 0, guild_id: GUILD });
  fake.resources.addChannel({
    id: NSFW,
    type: 0,
    guild_id: GUILD,
    nsfw: true,
  });
  fake.resources.addChannel({
    id: NSFW_THREAD,
    type: 11,
    guild_id: GUILD,
    parent_id: NSFW,
  });
  fake.resources.addChannel({
    id: ELSEWHERE_TEXT,
    type: 0,
    guild_id: ELSEWHERE,
  });
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

let next = 500_000_000_000_000_000n;

/**
 * A message by {@linkcode ADA} in `channelId` with `fields` over the
 * defaults; each one's id is above the previous one's.
 */
export function message(
  channelId: string,
  fields: Partial<RestMessage> = {},
): RestMessage {
  return {
    id: String(next++),
    channel_id: channelId,
    author: ADA,
    content: "",
    timestamp: "2025-01-01T00:00:00.000Z",
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    ...fields,
  };
}

/** Store `messages` in the fake, in order; returns their ids. */
export function seed<T extends RestMessage[]>(
  fake: FakeRest,
  ...messages: T
): { [K in keyof T]: string } {
  for (const m of messages) fake.addMessage(m);
  return messages.map((m) => m.id) as { [K in keyof T]: string };
}

/** The ids `searchGuildMessages` finds in GUILD, in the order returned. */
export async function found(
  rest: RestClient,
  query: SearchGuildMessagesQuery = {},
): Promise<string[]> {
  const results = await searchGuildMessages(rest, GUILD, query);
  return results.messages.map((group) => group[0]!.id);
}
