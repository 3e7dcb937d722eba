/**
 * Discord's API objects as they appear in gateway payloads (users, guilds,
 * channels, messages, interactions, ...), written from Discord's
 * documentation with Discord's snake_case field names.
 *
 * @module
 */
export * from "./activity_instance.ts";
export * from "./application.ts";
export * from "./application_command.ts";
export * from "./audit_log.ts";
export * from "./auto_moderation.ts";
export * from "./channel.ts";
export * from "./component.ts";
export * from "./emoji.ts";
export * from "./entitlement.ts";
export * from "./guild.ts";
export * from "./guild_template.ts";
export * from "./integration.ts";
export * from "./interaction.ts";
export * from "./invite.ts";
export * from "./lobby.ts";
export * from "./member.ts";
export * from "./message.ts";
export * from "./poll.ts";
export * from "./presence.ts";
export * from "./role.ts";
export * from "./role_connection.ts";
export * from "./scheduled_event.ts";
export * from "./soundboard.ts";
export * from "./stage_instance.ts";
export * from "./sticker.ts";
export * from "./subscription.ts";
export * from "./user.ts";
export * from "./voice.ts";
export * from "./webhook.ts";
