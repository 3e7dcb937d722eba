/**
 * Handlers and the client that runs them: extend {@linkcode Handler},
 * override the events you care about, and start a {@linkcode Client}.
 *
 * ```ts
 * import { Client, type Context, Handler } from "@disruption/disruption/handler";
 * import type { MessageCreateDispatch } from "@disruption/disruption/types";
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
 * // Built, not started: start() connects to Discord.
 * const client = new Client({ token: "your-token", intents: 33281 });
 * assert.ok(client.rest);
 * assert.ok(new PingBot());
 * ```
 *
 * @module
 */
export * from "./handler.ts";
export * from "./handler_error.ts";
export * from "./context.ts";
export * from "./client.ts";
export * from "./ordered_runner.ts";
