/**
 * Handlers and the client that runs them: extend {@linkcode Handler},
 * override the events you care about, and start a {@linkcode Client}.
 *
 * @example A ping bot, run against the fake Discord
 * ```ts
 * import { Client, type Context, Handler } from "@disruption/disruption/handler";
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
 * // With a real token, pass it and leave out the fake's options.
 * await using discord = await FakeDiscord.start();
 * await using client = new Client({
 *   token: discord.token,
 *   intents: 33281,
 *   ...discord.clientOptions,
 * });
 * await client.start(new PingBot());
 * const reply = await discord.say("!ping");
 * assert.equal(reply.content, "pong");
 * assert.equal(reply.author.id, discord.gateway.botUserId);
 * ```
 *
 * @module
 */
export * from "./handler.ts";
export * from "./handler_error.ts";
export * from "./context.ts";
export * from "./client.ts";
export * from "./ordered_runner.ts";
