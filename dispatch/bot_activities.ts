/**
 * {@linkcode botActivitiesOnly}: an op 3 command from `gateway.send` with
 * each activity cut to the fields a bot may set.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { GatewayCommand } from "../types/gateway_payloads.ts";

const logger = getLogger(["disruption", "dispatch", "commands"]);

/** The activity fields a bot may set (Discord's activity object docs). */
const BOT_ACTIVITY_FIELDS = new Set(["name", "type", "url", "state"]);

/**
 * An op 3 command with each activity cut to the fields a bot may set, the
 * others dropped and logged. twilight-dispatch sent a presence on as it
 * came, and workers send what their library builds (discord.py's
 * `Streaming.to_dict()` adds `assets` and `details`): refused whole, a
 * presence that worked there was lost here. Anything else malformed is
 * still refused by the gateway's builder.
 *
 * @param data The command's `data`.
 * @returns It, with the activities cut, as the gateway command.
 */
export function botActivitiesOnly(
  data: { op: number; d?: unknown },
): GatewayCommand {
  const d = data.d as { activities?: unknown } | undefined;
  if (data.op !== 3 || !Array.isArray(d?.activities)) {
    return data as GatewayCommand;
  }
  const dropped = new Set<string>();
  const activities = d.activities.map((activity: unknown) => {
    if (typeof activity !== "object" || activity === null) return activity;
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(activity)) {
      if (BOT_ACTIVITY_FIELDS.has(key)) kept[key] = value;
      else dropped.add(key);
    }
    return kept;
  });
  if (dropped.size === 0) return data as GatewayCommand;
  logger.warn(
    "A presence command had activity fields bots cannot set ({fields}); sent without them",
    { fields: [...dropped].join(", ") },
  );
  return { ...data, d: { ...d, activities } } as GatewayCommand;
}
