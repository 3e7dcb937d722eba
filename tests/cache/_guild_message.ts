// A whole guild message as MESSAGE_CREATE carries it (every field Discord's
// message object requires), for the tests that need one and not its details.

/**
 * A message `id` in guild `guildId`'s channel `channelId` by user 7; `over`
 * replaces or adds fields.
 */
export function guildMessage(
  id: string,
  channelId: string,
  guildId: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    channel_id: channelId,
    guild_id: guildId,
    content: "hi",
    author: { id: "7", username: "u" },
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    type: 0,
    attachments: [],
    embeds: [],
    mentions: [],
    mention_roles: [],
    pinned: false,
    tts: false,
    mention_everyone: false,
    ...over,
  };
}
