// How the reaction events change a cached message's `reactions` list
// (Discord's reaction objects: count, count_details, me, me_burst, emoji,
// burst_colors). Pure functions of the old list and the event; the core
// stores the result. The entry an event changes is rebuilt from those
// fields (projectReaction), not spread: the cache keeps a message's
// reactions as the gateway sent them, and a spread would copy whatever
// extra keys one came with on every later event of its message.
import type { CachedValue } from "./changes.ts";
import { isBotUser, withEntry } from "./reduce_context.ts";
import { projectReaction } from "./project.ts";
import { isRecord } from "../base/is_record.ts";

type D = CachedValue;

/**
 * The most distinct reactions a cached message's list is patched up to:
 * Discord allows 20 per message (error 30010), and this leaves room for a
 * raised limit. Every event copies the list, so one that grows without end
 * (a hostile gateway naming a new emoji each time) would cost its length
 * per event: 40,000 such events froze the process for 42 s.
 */
export const MAX_REACTIONS = 100;

/** Custom emojis match by id, Unicode ones by name. */
function sameEmoji(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b)) return false;
  return a.id != null || b.id != null ? a.id === b.id : a.name === b.name;
}

function countDetails(r: D): { burst: number; normal: number } {
  const details = isRecord(r.count_details) ? r.count_details : {};
  return {
    burst: typeof details.burst === "number" ? details.burst : 0,
    normal: typeof details.normal === "number" ? details.normal : 0,
  };
}

/**
 * MESSAGE_REACTION_ADD: one more of the emoji (the bot's own sets `me`), or
 * undefined when the list stays: no emoji object to match by (a hostile
 * gateway's `emoji: null` would add one more reaction with each event), or
 * a new emoji past {@linkcode MAX_REACTIONS}.
 */
export function addReaction(
  reactions: D[],
  d: D,
  botId: string | undefined,
): D[] | undefined {
  if (!isRecord(d.emoji)) return undefined;
  const burst = d.burst === true;
  const me = isBotUser(d.user_id, botId);
  const index = reactions.findIndex((r) => sameEmoji(r.emoji, d.emoji));
  if (index === -1 && reactions.length >= MAX_REACTIONS) return undefined;
  const current = index === -1
    ? {
      count: 0,
      count_details: { burst: 0, normal: 0 },
      me: false,
      me_burst: false,
      emoji: d.emoji,
      burst_colors: [],
    }
    : reactions[index]!;
  const details = countDetails(current);
  const next = projectReaction(current);
  next.count = (typeof current.count === "number" ? current.count : 0) + 1;
  next.count_details = burst
    ? { ...details, burst: details.burst + 1 }
    : { ...details, normal: details.normal + 1 };
  if (me && burst) next.me_burst = true;
  if (me && !burst) next.me = true;
  if (burst && Array.isArray(d.burst_colors)) {
    next.burst_colors = d.burst_colors;
  }
  return withEntry(reactions, index, next);
}

/**
 * MESSAGE_REACTION_REMOVE: one fewer; the reaction goes at zero. Undefined
 * when the message has no reaction of the emoji.
 */
export function removeReaction(
  reactions: D[],
  d: D,
  botId: string | undefined,
): D[] | undefined {
  const index = reactions.findIndex((r) => sameEmoji(r.emoji, d.emoji));
  if (index === -1) return undefined;
  const burst = d.burst === true;
  const me = isBotUser(d.user_id, botId);
  const current = reactions[index]!;
  const details = countDetails(current);
  const count = (typeof current.count === "number" ? current.count : 1) - 1;
  if (count <= 0) return withEntry(reactions, index);
  const next = projectReaction(current);
  next.count = count;
  next.count_details = burst
    ? { ...details, burst: Math.max(0, details.burst - 1) }
    : { ...details, normal: Math.max(0, details.normal - 1) };
  if (me && burst) next.me_burst = false;
  if (me && !burst) next.me = false;
  return withEntry(reactions, index, next);
}

/** MESSAGE_REACTION_REMOVE_EMOJI: every reaction of the emoji goes. */
export function removeEmojiReactions(reactions: D[], d: D): D[] {
  return reactions.filter((r) => !sameEmoji(r.emoji, d.emoji));
}
