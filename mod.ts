/**
 * Disruption: a featherweight, type-safe Discord API wrapper for Deno.
 *
 * - `Client` + `Handler`: override one method per event you care about; every
 *   payload is typed from the 79-event `GatewayEventMap` and has its own name
 *   (`MESSAGE_CREATE` → `MessageCreateDispatch`).
 * - `Shard` / `ShardManager`: the gateway, one explicit state machine per
 *   WebSocket session, resuming through every documented failure without
 *   losing or duplicating an event.
 * - `RestClient`: Discord's HTTP API with per-route rate limits.
 * - `@disruption/disruption/testing`: a fake Discord and a virtual clock for
 *   `deno test`.
 *
 * ```ts
 * import { Client, type Context, GatewayIntent, Handler } from "@disruption/disruption";
 * import type { MessageCreateDispatch } from "@disruption/disruption/types";
 * import { FakeDiscord } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * class PingBot extends Handler {
 *   override async onMessageCreate(
 *     message: MessageCreateDispatch,
 *     ctx: Context,
 *   ): Promise<void> {
 *     if (message.content === "!ping") await ctx.reply(message, "pong");
 *   }
 * }
 *
 * // Against the fake Discord here; pass a real token and drop
 * // `discord.clientOptions` to talk to Discord.
 * await using discord = await FakeDiscord.start();
 * await using client = new Client({
 *   token: discord.token,
 *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
 *   ...discord.clientOptions,
 * });
 * await client.start(new PingBot());
 * assert.equal((await discord.say("!ping")).content, "pong");
 * ```
 *
 * @module
 */
export * from "./gateway/mod.ts";
export * from "./types/mod.ts";
export * from "./handler/mod.ts";
export * from "./rest/mod.ts";
