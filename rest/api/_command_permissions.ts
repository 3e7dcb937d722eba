/**
 * {@linkcode allChannelsPermissionId}: the docs' "all channels" constant of
 * a command permission overwrite (`guild_id - 1`), outside the route
 * module (whose exports are routes).
 *
 * @module
 */
import type { Snowflake } from "../../types/gateway_payloads.ts";
import { checkSnowflake } from "../../base/snowflake.ts";

/**
 * The permission constant for every channel of a guild (the docs' `guild_id
 * - 1`), to use as a `ApplicationCommandPermissionType.Channel`
 * overwrite's `id`. Computed with BigInt: a snowflake is past 2^53, and
 * `Number(guildId) - 1` named another ID. (@everyone is the guild's own
 * ID, as a role.)
 *
 * @param guildId The guild.
 * @returns The guild's ID minus one, as a snowflake string.
 * @throws {TypeError} When `guildId` is not a snowflake, or is `0`.
 *
 * @example Deny a command everywhere but one channel
 * ```ts
 * import { allChannelsPermissionId } from "@disruption/disruption/rest";
 * import { ApplicationCommandPermissionType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const guildId = "613425648685547541";
 * assert.equal(allChannelsPermissionId(guildId), "613425648685547540");
 * const permissions = [
 *   { id: allChannelsPermissionId(guildId), type: ApplicationCommandPermissionType.Channel, permission: false },
 *   { id: "1409696176629878905", type: ApplicationCommandPermissionType.Channel, permission: true },
 * ];
 * assert.equal(permissions.length, 2);
 * ```
 */
export function allChannelsPermissionId(guildId: Snowflake): Snowflake {
  const id = BigInt(checkSnowflake("build permission ID", "guildId", guildId));
  if (id === 0n) {
    throw new TypeError(
      "Cannot build permission ID as 'guildId' must be a guild's ID, not 0: current value 'guildId=0'",
    );
  }
  return (id - 1n).toString();
}
