/**
 * A new message's `message_reference`, as the fake's Create Message takes
 * it: a reply (type 0, the default) or a forward (type 1), with Discord's
 * refusals and the fields each adds to the stored message (message
 * resource, Message Reference Content Attribution). Private to the test
 * kit.
 *
 * @module
 */
import type { RestMessage } from "../rest/payloads.ts";
import type {
  MessageReference,
  MessageSnapshotMessage,
} from "../types/objects/message.ts";
import { asObject, fieldError, required, type Tree } from "./_form_errors.ts";
import type { Refusal } from "./_message_checks.ts";

/** HAS_SNAPSHOT: "this message has a snapshot (via Message Forwarding)". */
export const HAS_SNAPSHOT = 1 << 14;

/**
 * The fields a snapshot copies ("the current subset of message fields",
 * Message Snapshot Structure): `author` is not among them.
 */
const SNAPSHOT_FIELDS = [
  "type",
  "content",
  "embeds",
  "attachments",
  "timestamp",
  "edited_timestamp",
  "flags",
  "mentions",
  "mention_roles",
  "stickers",
  "sticker_items",
  "components",
] as const satisfies readonly (keyof MessageSnapshotMessage)[];

/** What the reference checks need from the fake. */
export interface ReferenceLookup {
  /** A stored message by ID, in any channel. */
  message(id: string): RestMessage | undefined;
  /** The guild of a channel, `undefined` for a DM or an unknown channel. */
  guildOf(channelId: string): string | undefined;
  /**
   * The channel the message is posted to. A reply's target must be in it
   * (a reply's `channel_id` is "the same as the reply's", message
   * resource); without it only a `channel_id` the reply names is held to.
   */
  channelId?: string;
}

/** The outcome: Discord's refusal, or the fields the reference adds. */
export type ReferenceOutcome =
  | { refusal: Refusal }
  | { extra: Partial<RestMessage> };

const invalidForm = (errors: Tree): Refusal => ({
  status: 400,
  body: { code: 50035, message: "Invalid Form Body", errors },
});

const unknownMessage = (): Refusal =>
  invalidForm({
    message_reference: fieldError(
      "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
      "Unknown message",
    ),
  });

/**
 * Whether a Create Message body forwards a message (`message_reference`
 * of type 1, FORWARD): its body is checked as a forward's, not as a
 * message's of its own (see `forwardErrors`).
 *
 * @param fields The request body.
 * @returns `true` for a forward.
 */
export function isForward(fields: Tree): boolean {
  return asObject(fields.message_reference).type === 1;
}

/**
 * What a Create Message body's `message_reference` makes of the message.
 *
 * A reply needs only `message_id`; its target missing is refused unless
 * `fail_if_not_exists` is `false`, and then the message is sent "as a
 * normal (non-reply) message": type 0, no `message_reference`. A target in
 * another channel than the one posted to, or than the `channel_id` the
 * reply names, counts as missing: a reply's `channel_id` and `guild_id`
 * are "the same as the reply's" (message resource, Message Reference
 * Types). A reply is type 19 with `message_reference` (type 0) and
 * `referenced_message`.
 *
 * A forward needs `message_id` and `channel_id` ("Required fields: `type`,
 * `message_id`, `channel_id`"), and the message must exist in that
 * channel whatever `fail_if_not_exists` says (there is no message to send
 * without it). It is type 0 with `message_reference` (type 1, with the
 * target's guild), one snapshot of the target taken now (later edits of
 * the target do not reach it: snapshots are "immutable") and HAS_SNAPSHOT.
 * Not modelled: which messages may be forwarded (by type, polls), the
 * VIEW_CHANNEL and content-reading checks (error 160014).
 *
 * @param fields The request body.
 * @param lookup The fake's messages and channels.
 * @returns The refusal, or the fields to store (none without a
 *   reference).
 */
export function referenceFields(
  fields: Tree,
  lookup: ReferenceLookup,
): ReferenceOutcome {
  if (fields.message_reference === undefined) return { extra: {} };
  const reference = asObject(fields.message_reference);
  const messageId = typeof reference.message_id === "string"
    ? reference.message_id
    : undefined;
  if (reference.type === 1) return forward(fields, reference, lookup);
  const found = messageId === undefined ? undefined : lookup.message(messageId);
  // The lookup searches every channel: a reply reaches its own only.
  const target = found && inChannel(found.channel_id, reference, lookup)
    ? found
    : undefined;
  if (!target) {
    return reference.fail_if_not_exists === false
      ? { extra: {} }
      : { refusal: unknownMessage() };
  }
  return {
    extra: {
      type: 19,
      message_reference: pointer(0, target, lookup),
      referenced_message: structuredClone(target),
    },
  };
}

/** Whether a reply's target in `channelId` is where the reply may point. */
function inChannel(
  channelId: string,
  reference: Tree,
  lookup: ReferenceLookup,
): boolean {
  if (lookup.channelId !== undefined && channelId !== lookup.channelId) {
    return false;
  }
  const named = reference.channel_id;
  return named === undefined || named === null || named === channelId;
}

function forward(
  fields: Tree,
  reference: Tree,
  lookup: ReferenceLookup,
): ReferenceOutcome {
  const missing: Tree = {};
  for (const key of ["message_id", "channel_id"]) {
    if (typeof reference[key] !== "string") missing[key] = required();
  }
  if (Object.keys(missing).length > 0) {
    return { refusal: invalidForm({ message_reference: missing }) };
  }
  const target = lookup.message(reference.message_id as string);
  if (!target || target.channel_id !== reference.channel_id) {
    return { refusal: unknownMessage() };
  }
  const asked = typeof fields.flags === "number" ? fields.flags : 0;
  return {
    extra: {
      type: 0,
      flags: asked | HAS_SNAPSHOT,
      message_reference: pointer(1, target, lookup),
      message_snapshots: [{ message: snapshot(target) }],
    },
  };
}

/** A reference to `target` as Discord returns it: all three IDs. */
function pointer(
  type: 0 | 1,
  target: RestMessage,
  lookup: ReferenceLookup,
): MessageReference {
  const out: MessageReference = {
    type,
    channel_id: target.channel_id,
    message_id: target.id,
  };
  const guildId = lookup.guildOf(target.channel_id);
  if (guildId !== undefined) out.guild_id = guildId;
  return out;
}

/**
 * A copy of the snapshot's fields of `message`: those it has, with `flags`
 * and `components` filled in (a message a test posted may lack them, and
 * Discord's snapshots carry both) and the deprecated stickers only when
 * there are any.
 */
function snapshot(message: RestMessage): MessageSnapshotMessage {
  const copy: Record<string, unknown> = { flags: 0, components: [] };
  for (const key of SNAPSHOT_FIELDS) {
    if (message[key] !== undefined) copy[key] = structuredClone(message[key]);
  }
  return copy as unknown as MessageSnapshotMessage;
}
