// The events of the new-session DM tests (tests/cache/new_session_dms_test.ts,
// and the Redis store's in store_differential_test.ts, which owns a database).
import type { CacheOptions } from "../../cache/mod.ts";

export const GUILD = "8388608"; // shard 0's of two

export function ready(shard?: [number, number]): object {
  return {
    v: 10,
    user: { id: "9", username: "bot", discriminator: "0", avatar: null },
    guilds: [{ id: GUILD, unavailable: true }],
    session_id: "s",
    resume_gateway_url: "wss://gateway.discord.gg",
    application: { id: "9", flags: 0 },
    ...(shard === undefined ? {} : { shard }),
  };
}

export const GUILD_CREATE = {
  id: GUILD,
  name: "g",
  channels: [{ id: "100", type: 0, name: "general" }],
  roles: [],
  emojis: [],
  members: [],
  threads: [],
};

export function message(
  id: string,
  channelId: string,
  guildId?: string,
): object {
  return {
    id,
    channel_id: channelId,
    ...(guildId === undefined ? {} : { guild_id: guildId }),
    content: `m${id}`,
    author: { id: "4", username: "u", discriminator: "0", avatar: null },
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    edited_timestamp: null,
  };
}

/** A guild message, a held DM channel with a message, an unheld DM's. */
export const BEFORE: [string, object][] = [
  ["READY", ready([0, 1])],
  ["GUILD_CREATE", GUILD_CREATE],
  ["MESSAGE_CREATE", message("300", "100", GUILD)],
  ["CHANNEL_CREATE", { id: "60", type: 1, recipients: [] }],
  ["MESSAGE_CREATE", message("301", "60")],
  ["MESSAGE_CREATE", message("302", "50")],
];

export const OPTIONS: CacheOptions = { messages: { perChannel: 10 } };
