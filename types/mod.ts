/**
 * Discord's gateway wire types, written from Discord's documentation:
 * opcodes, close codes, intents, permissions, payload shapes and the typed
 * event map. Most of it is types, which vanish at run time. What runs is
 * small and pure: the constant tables (opcodes, close codes, intents,
 * permission bits, the event names and each event's intents) and a few
 * helpers over them (`isValidIntents`, `isGatewayEventName`,
 * `handlerMethodName`, `eventDeliverable`, `parsePermissions`,
 * `hasPermission`, `combinePermissions`, `permissionNames`). Nothing here
 * does I/O or keeps state.
 *
 * ```ts
 * import { GatewayIntent, GatewayOpcode } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(GatewayOpcode.Identify, 2);
 * assert.equal(GatewayIntent.GuildMessages | GatewayIntent.MessageContent, 33280);
 * ```
 *
 * @module
 */
export * from "./opcodes.ts";
export * from "./close_codes.ts";
export * from "./intents.ts";
export * from "./permissions.ts";
export * from "./gateway_payloads.ts";
export * from "./objects/mod.ts";
export * from "./dispatch_payloads.ts";
export * from "./events.ts";
export * from "./event_intents.ts";
