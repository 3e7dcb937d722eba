/**
 * The gateway: one {@linkcode Shard} per WebSocket session, written as an
 * explicit state machine whose timers all go through an injected
 * {@linkcode Scheduler}.
 *
 * @module
 */
export * from "./scheduler.ts";
export * from "./transport.ts";
export * from "./errors.ts";
