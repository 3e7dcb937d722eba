/**
 * {@linkcode parseCommand}: the body of a `gateway.send` message read as a
 * command, and {@linkcode guildShard}, the shard an op 4, 8 or 43 command
 * must go to. Apart from the handler that runs them so that it stays one
 * concern.
 *
 * @module
 */
import { describeValue } from "../gateway/payload_guards.ts";
import { shardForGuild } from "../gateway/shard_routing.ts";
import type { GatewayCommand } from "../types/gateway_payloads.ts";
import { parseExactJson, withStringSnowflakes } from "./command_json.ts";

/** A command from `gateway.send`, checked by {@linkcode parseCommand}. */
export interface ServiceCommand {
  /** 0 sends `data` on the shard, 1 restarts it resumably, 2 starts a new session. */
  op: 0 | 1 | 2;
  /** The shard. */
  shard: number;
  /** For op 0: the gateway payload to send, e.g. `{ op: 3, d: presence }`. */
  data?: { op: number; d?: unknown };
}

/**
 * Check a command from `gateway.send`. Integer snowflakes (as discord.py
 * sends `guild_id`) are kept exact, and those of op 4, 8, 31 and 43 come
 * out as the decimal strings the gateway's builders take.
 *
 * @param text The message body.
 * @returns The command.
 * @throws {TypeError} With the reason it is malformed.
 */
export function parseCommand(text: string): ServiceCommand {
  let value: unknown;
  try {
    value = parseExactJson(text);
  } catch (error) {
    // A RangeError is the call stack overflowing in valid JSON nested some
    // thousands deep: saying "not JSON" would send its author looking for
    // a syntax error that is not there.
    throw new TypeError(
      error instanceof RangeError
        ? "the body is JSON nested too deeply to read"
        : "the body is not JSON",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("the body is not a JSON object");
  }
  const { op, shard, data } = value as Record<string, unknown>;
  if (op !== 0 && op !== 1 && op !== 2) {
    throw new TypeError(
      `'op' must be 0, 1 or 2: current value ${describeValue(op)}`,
    );
  }
  if (typeof shard !== "number" || !Number.isSafeInteger(shard) || shard < 0) {
    throw new TypeError(
      `'shard' must be a non-negative integer: current value ${
        describeValue(shard)
      }`,
    );
  }
  if (op !== 0) return { op, shard };
  if (
    typeof data !== "object" || data === null || Array.isArray(data) ||
    typeof (data as { op?: unknown }).op !== "number"
  ) {
    throw new TypeError("'data' must be an object with a numeric 'op'");
  }
  return {
    op,
    shard,
    data: withStringSnowflakes(data as ServiceCommand["data"] & object),
  };
}

/**
 * The shard of an op 4, 8 or 43 command's guild (Discord answers it only
 * there), when it has one and the shard count is known.
 *
 * @param payload The command's payload, if any.
 * @param total The bot's shard count (0 before it is known).
 * @returns The shard, or `undefined`.
 * @throws {RangeError} A `guild_id` above 2^64 - 1.
 */
export function guildShard(
  payload: GatewayCommand | undefined,
  total: number,
): number | undefined {
  if (
    total === 0 ||
    (payload?.op !== 4 && payload?.op !== 8 && payload?.op !== 43)
  ) {
    return undefined;
  }
  const guildId = (payload.d as { guild_id?: unknown } | undefined)?.guild_id;
  // A string: parseCommand turned integer ids into strings, and the
  // builders take no other.
  return typeof guildId === "string"
    ? shardForGuild(guildId, total)
    : undefined;
}
