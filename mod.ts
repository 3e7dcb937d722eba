/**
 * Disruption: a featherweight, type-safe Discord API wrapper for Deno.
 *
 * @module
 */
export * from "./gateway/mod.ts";
export * from "./types/mod.ts";
