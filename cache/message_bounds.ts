/**
 * The sizes past which a message is not cached: one Discord could not have
 * sent. The stores bound how many messages they hold, not how big one is,
 * so a hostile gateway's message with 3,000,000 embeds held 206 MB of heap
 * in memory (and Redis would read and stub it at each event). The core
 * checks each message it would keep against these, so both stores agree:
 * one over them is a message not cached.
 *
 * Each bound is a generous multiple (4×) of Discord's documented limit
 * (message resource docs), so a limit Discord raises does not drop real
 * messages; lengths count UTF-16 units, up to two per character Discord
 * counts, and are doubled again for that. Lists without a documented limit
 * (mentions, which the content's length bounds) and those the patching
 * events already stop at 100 (reactions, poll answers: see reactions.ts
 * and poll_votes.ts, which keep a longer one as it came) get 1,000.
 *
 * The checks read list lengths and a few strings by name, never the whole
 * message: they run on every MESSAGE_CREATE.
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import { isRecord } from "../base/is_record.ts";
import type { CachedValue } from "./changes.ts";

const visible = getVisibleLogger(["disruption", "cache"]);

/** The longest list of a list without a documented limit of its own. */
const MAX_UNDOCUMENTED_LIST = 1_000;

/** Discord's 4,000 characters (bots: 2,000), 4× and 2 units each. */
const MAX_CONTENT = 32_000;

/** Discord's 6,000 characters across a message's embeds, likewise. */
const MAX_EMBED_TEXT = 48_000;

/** Discord's 25 fields per embed, 4×. */
const MAX_EMBED_FIELDS = 100;

// The longest of each message list: 4× Discord's documented limit.
/** Discord's 10 embeds, 4×. */
const MAX_EMBEDS = 40;
/** Discord's 10 attachments, 4×. */
const MAX_ATTACHMENTS = 40;
/** Discord's 3 stickers, 4×. */
const MAX_STICKERS = 12;
/** Discord's 40 components with Components v2 (5 rows without), 4×. */
const MAX_COMPONENTS = 160;
/** A forward's one snapshot, 4×. */
const MAX_SNAPSHOTS = 4;

/** What is over a bound: the field, its size, and the bound. */
export interface MessageExcess {
  /** The field over its bound, as named in the message (`embeds`). */
  readonly field: string;
  /** Its size: entries of a list, UTF-16 units of a text. */
  readonly size: number;
  /** The bound it is over. */
  readonly max: number;
}

/**
 * What of `message` (as cached) is past its bound, or undefined when the
 * message could be one Discord sent. A forwarded message's snapshots are
 * checked as messages, one level down.
 */
export function messageExcess(
  message: CachedValue,
  nested = true,
): MessageExcess | undefined {
  const content = message.content;
  if (typeof content === "string" && content.length > MAX_CONTENT) {
    return { field: "content", size: content.length, max: MAX_CONTENT };
  }
  // Each list read by name: a keyed read (`message[field]`) of a table of
  // names took ten times as long, on every MESSAGE_CREATE.
  const list = listExcess("embeds", message.embeds, MAX_EMBEDS) ??
    listExcess("attachments", message.attachments, MAX_ATTACHMENTS) ??
    listExcess("sticker_items", message.sticker_items, MAX_STICKERS) ??
    listExcess("stickers", message.stickers, MAX_STICKERS) ??
    listExcess("components", message.components, MAX_COMPONENTS) ??
    listExcess("message_snapshots", message.message_snapshots, MAX_SNAPSHOTS) ??
    listExcess("mentions", message.mentions, MAX_UNDOCUMENTED_LIST) ??
    listExcess("mention_roles", message.mention_roles, MAX_UNDOCUMENTED_LIST) ??
    listExcess(
      "mention_channels",
      message.mention_channels,
      MAX_UNDOCUMENTED_LIST,
    ) ??
    listExcess("reactions", message.reactions, MAX_UNDOCUMENTED_LIST);
  if (list !== undefined) return list;
  const poll = message.poll;
  if (isRecord(poll)) {
    const counts = isRecord(poll.results) ? poll.results.answer_counts : [];
    const excess =
      listExcess("poll.answers", poll.answers, MAX_UNDOCUMENTED_LIST) ??
        listExcess("poll.results.answer_counts", counts, MAX_UNDOCUMENTED_LIST);
    if (excess !== undefined) return excess;
  }
  return embedsExcess(message.embeds) ??
    (nested ? snapshotsExcess(message.message_snapshots) : undefined);
}

/** `value`, when a list longer than `max`, as message field `field`'s excess. */
function listExcess(
  field: string,
  value: unknown,
  max: number,
): MessageExcess | undefined {
  return Array.isArray(value) && value.length > max
    ? { field, size: value.length, max }
    : undefined;
}

/** The embeds' fields or text past their bounds (lists already bounded). */
function embedsExcess(embeds: unknown): MessageExcess | undefined {
  if (!Array.isArray(embeds)) return undefined;
  let text = 0;
  for (const embed of embeds) {
    if (!isRecord(embed)) continue;
    text += length(embed.title) + length(embed.description) +
      length(isRecord(embed.footer) ? embed.footer.text : undefined) +
      length(isRecord(embed.author) ? embed.author.name : undefined);
    const fields = embed.fields;
    if (!Array.isArray(fields)) continue;
    const excess = listExcess("embeds[].fields", fields, MAX_EMBED_FIELDS);
    if (excess !== undefined) return excess;
    for (const field of fields) {
      if (isRecord(field)) text += length(field.name) + length(field.value);
    }
  }
  return text > MAX_EMBED_TEXT
    ? { field: "embeds' text", size: text, max: MAX_EMBED_TEXT }
    : undefined;
}

/** A forward's snapshots' messages past their bounds. */
function snapshotsExcess(snapshots: unknown): MessageExcess | undefined {
  if (!Array.isArray(snapshots)) return undefined;
  for (const snapshot of snapshots) {
    const message = isRecord(snapshot) ? snapshot.message : undefined;
    const excess = isRecord(message)
      ? messageExcess(message, false)
      : undefined;
    if (excess !== undefined) {
      return { ...excess, field: `message_snapshots[].${excess.field}` };
    }
  }
  return undefined;
}

/** A string's length, 0 for anything else. */
function length(value: unknown): number {
  return typeof value === "string" ? value.length : 0;
}

/** The fields already warned about: once each per process, not per event. */
const warned = new Set<string>();

/**
 * Whether `message` of channel `channelId` may be cached; when not, warns
 * (once per field over its bound: a gateway sending many would flood the
 * log) that it is not.
 */
export function withinMessageBounds(
  message: CachedValue,
  channelId: string,
): boolean {
  const excess = messageExcess(message);
  if (excess === undefined) return true;
  if (!warned.has(excess.field)) {
    warned.add(excess.field);
    visible.warn(
      "Not caching message {id} of channel {channelId}: its {field} is {size} long (entries, or UTF-16 units of text), more than the {max} the cache allows (4× Discord's limit, text counted at two units a character); the gateway may not be Discord's (said once per field)",
      { id: message.id, channelId, ...excess },
    );
  }
  return false;
}
