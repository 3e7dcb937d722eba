/**
 * The `authorizing_integration_owners` of the fake's interactions and of
 * their responses' `interaction_metadata`. Private to the test kit.
 *
 * The fake plays an app installed to its guilds. For such an app Discord's
 * "Authorizing Integration Owners Object" maps the key "0" (GUILD_INSTALL)
 * to the guild's ID when the interaction runs in the guild, and to "0" when
 * it runs in a DM with the app's bot user. A constant `{}` told a bot
 * checking how it was installed that it was installed nowhere.
 *
 * @module
 */

/**
 * The owners that authorized a guild-installed app's interaction.
 *
 * @param guildId The guild it ran in; `null` or `undefined` for a DM with
 *   the bot.
 * @returns `{ "0": guildId }`, or `{ "0": "0" }` in a DM.
 */
export function authorizingIntegrationOwners(
  guildId: string | null | undefined,
): { "0": string } {
  return { "0": guildId ?? "0" };
}
