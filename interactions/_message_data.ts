/**
 * What a message answer becomes on the wire: the callback or webhook data
 * and its files, checked against Discord's rules first (nothing is sent
 * for a message Discord would refuse). Private to the package.
 *
 * @module
 */
import type {
  AllowedMentionsPayload,
  AttachmentPayload,
  EmbedPayload,
} from "../rest/payloads.ts";
import type { FileUpload } from "../rest/uploads.ts";
import type { PollCreateRequest } from "../types/objects/poll.ts";
import { shown } from "../base/option_checks.ts";
import {
  componentCount,
  repeatedComponentId,
  repeatedCustomId,
} from "./_component_limits.ts";
import {
  contentLengthFault,
  embedLimitFault,
  MAX_EMBEDS,
} from "../rest/_message_limits.ts";
import { checkMessageComponents } from "./_message_components_check.ts";
import { COMPONENTS_V2_FLAG, needsComponentsV2 } from "./components_v2.ts";
import { InteractionError } from "./errors.ts";
import type { MessageComponent } from "../types/objects/component.ts";

/** The EPHEMERAL message flag: only the user who ran it sees it. */
export const EPHEMERAL = 1 << 6;
/** Top-level action rows a message without Components v2 may have. */
const MAX_ACTION_ROWS = 5;
/** Components a Components v2 message may have in all, nested ones included. */
const MAX_V2_COMPONENTS = 40;

/** A message to send or edit in answer to an interaction. */
export interface MessageResponse {
  /**
   * Text (2000 characters, counted in code points as Discord counts them,
   * at most; not with Components v2). `null` clears it in an edit.
   */
  content?: string | null;
  /**
   * Embeds (10 at most, within Discord's embed limits: title 256,
   * description 4096, 25 fields, field name 256 and value 1024, footer
   * text 2048, author name 256, 6000 of those characters in all; not with
   * Components v2; `[]` clears them).
   */
  embeds?: EmbedPayload[];
  /**
   * Components. Anything but action rows at the top level sets the
   * IS_COMPONENTS_V2 flag by itself. Literals are checked as the builders
   * check what they build (a row's 1-5 buttons or one select, lengths,
   * counts) before anything is sent.
   */
  components?: MessageComponent[];
  /**
   * A poll (not with Components v2). Discord takes one in a new message
   * (`respond`, `followUp`) and in the edit answering a deferred response
   * (`respond` or `editOriginal` after `defer`). A message already sent
   * cannot gain one ("after creation, the poll message cannot be edited"),
   * so `update` of a component's message does not add one either.
   */
  poll?: PollCreateRequest;
  /**
   * Who may be pinged. Checked before sending as Discord checks it:
   * `parse` lists only "users", "roles" and "everyone", and names neither
   * "users" next to a non-empty `users` nor "roles" next to a non-empty
   * `roles`; each list holds at most 100 ids.
   */
  allowed_mentions?: AllowedMentionsPayload;
  /** Text-to-speech. */
  tts?: boolean;
  /**
   * Only the user who ran it sees it (initial responses and follow-ups).
   * After a defer, `respond` keeps the defer's visibility: `ephemeral: true`
   * is refused unless the defer was `defer({ ephemeral: true })`, and
   * `ephemeral: false` is refused after it. An edit (`update`,
   * `editOriginal`) cannot make a message ephemeral: `ephemeral: true` (or
   * the EPHEMERAL flag) is refused there unless the message is ephemeral
   * already; send the private text with `followUp({ ephemeral: true })`.
   * Nor public: `ephemeral: false` is refused on an edit of a message known
   * to be ephemeral; send the public text with `followUp()`.
   */
  ephemeral?: boolean;
  /**
   * Extra message flags. On an edit (`update`, `editOriginal`) they are
   * sent whenever given, `0` included: `flags: 0` shows suppressed embeds
   * again (SUPPRESS_EMBEDS is the flag an edit can set or unset), and
   * IS_COMPONENTS_V2 stays on a message known to have it (Discord cannot
   * remove it). Without `flags` an edit leaves the message's flags as
   * they are.
   */
  flags?: number;
  /**
   * Files to attach (sent as `multipart/form-data`). On an edit
   * (`editOriginal`, `update`) they replace the message's attachments,
   * except those listed in `attachments`.
   */
  files?: readonly FileUpload[];
  /**
   * Edits only (`editOriginal`, `update`): the existing attachments to
   * keep, by id. Discord keeps only what an edit lists, so new `files`
   * replace the old attachments unless they are listed here; `[]` removes
   * them all.
   */
  attachments?: AttachmentPayload[];
}

/**
 * What an edit needs to know of the message it edits (a `Message` fits):
 * its flags, and whether it has stickers or a poll.
 */
export interface EditedMessage {
  /** Its flags. */
  flags?: number | undefined;
  /** Its stickers. */
  sticker_items?: readonly unknown[] | undefined;
  /** Its poll. */
  poll?: unknown;
}

const SETTINGS = new Set([
  "ephemeral",
  "flags",
  "allowed_mentions",
  "tts",
  "attachments",
]);

/** Whether `input` has nothing to show but `SETTINGS` (a poll, or a key the
 * type does not name passed through a cast, counts as something). */
function isEmpty(input: MessageResponse): boolean {
  return Object.entries(input).every(([key, value]) =>
    SETTINGS.has(key) || value === undefined || value === null ||
    value === "" || (Array.isArray(value) && value.length === 0)
  );
}

/**
 * Turn a response into callback data and files; throws for invalid ones.
 * `edited` is the message it edits, or its flags, when known (Components
 * v2 stays on a message once set; an edit that sets it clears the
 * message's content and embeds, as Discord requires, and is refused for a
 * message with stickers or a poll). Lengths are counted in code points, as
 * Discord counts them.
 *
 * @param message Text or a message.
 * @param initial Whether it makes a new message (an initial response or a
 *   follow-up: `ephemeral` counts, and it must show something).
 * @param edited The message it edits, or its flags, when known.
 * @param ephemeralKnown Whether `edited` tells if the message is
 *   ephemeral (by default: whether its flags are given).
 * @returns The data and the files, if any.
 * @throws {InteractionError} `invalid_response` for a message Discord
 *   would refuse, or an edit asking to make a message ephemeral that is
 *   known (per `edited`) not to be.
 */
export function messageData(
  message: string | MessageResponse,
  initial: boolean,
  edited?: number | EditedMessage,
  ephemeralKnown: boolean = typeof edited === "number" ||
    edited?.flags !== undefined,
): { data: Record<string, unknown>; files: readonly FileUpload[] | undefined } {
  const current = (typeof edited === "number" ? edited : edited?.flags) ?? 0;
  const input: MessageResponse = typeof message === "string"
    ? { content: message }
    : message;
  const { ephemeral, files, flags, components, ...rest } = input;
  let bits = flags ?? 0;
  if (ephemeral && initial) bits |= EPHEMERAL;
  if (
    !initial && (ephemeral === true || (bits & EPHEMERAL) !== 0) &&
    ephemeralKnown && (current & EPHEMERAL) === 0
  ) {
    // Discord ignores the flag on an edit: the "private" text would show on
    // a message everyone sees. (On a message that is ephemeral already the
    // flag changes nothing, so it passes, as when respond() answers
    // defer({ ephemeral: true }); and where that is unknown, as for a
    // message another process answered, it passes too: refusing would
    // break valid edits of private messages.)
    throw new InteractionError(
      "invalid_response",
      "An edit cannot make a message ephemeral (Discord ignores the flag on an edit, so the text would show on the public message): use followUp({ ephemeral: true })",
    );
  }
  if (
    !initial && ephemeral === false && ephemeralKnown &&
    (current & EPHEMERAL) !== 0
  ) {
    // Nor public: Discord keeps a message's visibility, and the edit would
    // go through with the text still private, as respond() refuses after
    // defer({ ephemeral: true }) for the same reason.
    throw new InteractionError(
      "invalid_response",
      "An edit cannot make an ephemeral message public (Discord keeps a message's visibility, so the text would stay private): send the public part with followUp()",
    );
  }
  const needsV2 = needsComponentsV2(components);
  // The flag given, set on the message already, or set here for components.
  const v2 = needsV2 || ((bits | current) & COMPONENTS_V2_FLAG) !== 0;
  checkCounts(input, v2);
  const embedFault = embedLimitFault(input.embeds);
  if (embedFault !== undefined) {
    throw new InteractionError("invalid_response", embedFault);
  }
  if (initial && isEmpty(input)) {
    // Discord refuses it (50006), over HTTP after the 200 the endpoint sent:
    // the call would resolve and the user see "This interaction failed".
    throw new InteractionError(
      "invalid_response",
      "A new message needs 'content', 'embeds', 'components', 'poll' or 'files': Discord refuses an empty message",
    );
  }
  if (needsV2) bits |= COMPONENTS_V2_FLAG;
  // null and [] clear: what an edit into Components v2 must send.
  const hasEmbeds = input.embeds !== undefined &&
    !(Array.isArray(input.embeds) && input.embeds.length === 0);
  if (v2 && (input.content != null || hasEmbeds)) {
    throw new InteractionError(
      "invalid_response",
      "A message with Components v2 (the IS_COMPONENTS_V2 flag: given, already on the message, or set for sections, containers, text displays, ...) cannot have 'content' or 'embeds': put the text in a textDisplay",
    );
  }
  if (v2 && input.poll != null) {
    // Discord refuses a poll on a Components v2 message (400).
    throw new InteractionError(
      "invalid_response",
      "A message with Components v2 (the IS_COMPONENTS_V2 flag: given, already on the message, or set for sections, containers, text displays, ...) cannot have a poll: send the poll in a message of its own (followUp) without Components v2",
    );
  }
  const contentFault = contentLengthFault(input.content);
  if (contentFault !== undefined) {
    throw new InteractionError("invalid_response", contentFault);
  }
  const repeated = components ? repeatedCustomId(components) : undefined;
  if (repeated !== undefined) {
    throw new InteractionError(
      "invalid_response",
      `Two components of a message have the custom id '${repeated}': Discord wants custom ids unique per message`,
    );
  }
  const repeatedId = components ? repeatedComponentId(components) : undefined;
  if (repeatedId !== undefined) {
    throw new InteractionError(
      "invalid_response",
      `Two components of a message have the id ${repeatedId}: Discord wants a component's 'id' unique within the message (0 aside, which Discord replaces)`,
    );
  }
  // After the message-wide checks, whose words fit a repeated id better
  // than a row's would.
  if (Array.isArray(components)) checkMessageComponents(components);
  checkAllowedMentions(input.allowed_mentions);
  const data: Record<string, unknown> = { ...rest };
  if (components !== undefined) {
    data.components = components;
  }
  if (!initial && flags !== undefined) {
    // An edit leaves the flags alone unless it lists them, so `flags: 0` is
    // how SUPPRESS_EMBEDS comes off and must be sent. IS_COMPONENTS_V2 can
    // never come off a message, so one known to have it keeps the bit.
    data.flags = bits | (current & COMPONENTS_V2_FLAG);
  } else if (bits !== 0) data.flags = bits;
  if (
    !initial && (bits & COMPONENTS_V2_FLAG) !== 0 &&
    (current & COMPONENTS_V2_FLAG) === 0
  ) {
    // An edit turning a message into Components v2: Discord answers 400
    // unless its content, embeds, stickers and poll are cleared in the same
    // edit, and a sent message's stickers and poll cannot be cleared.
    refuseStickersAndPoll(edited);
    data.content ??= null;
    data.embeds ??= [];
  }
  return { data, files: files?.length ? files : undefined };
}

/**
 * Refuse turning a message with stickers or a poll into Components v2:
 * Discord's reference wants `sticker_ids` and `poll` reset in that edit
 * (400 otherwise), and neither can be taken off a sent message.
 */
function refuseStickersAndPoll(
  edited: number | EditedMessage | undefined,
): void {
  if (typeof edited !== "object" || edited === null) return;
  const what = [
    ...((edited.sticker_items?.length ?? 0) > 0 ? ["stickers"] : []),
    ...(edited.poll != null ? ["a poll"] : []),
  ];
  if (what.length === 0) return;
  throw new InteractionError(
    "invalid_response",
    `This edit would turn a message with ${
      what.join(" and ")
    } into a Components v2 message (the IS_COMPONENTS_V2 flag: given, or set for its layout components): Discord refuses it, as stickers and polls cannot be removed from a sent message; send the Components v2 message as a new one (followUp), or edit with action rows only`,
  );
}

/**
 * Discord's counts for a message: at most 5 action rows without Components
 * v2 (`v2`: the flag is set, or will be), 40 components in all with it
 * (rows' children and sections' accessories counted), 10 embeds.
 */
function checkCounts(input: MessageResponse, v2: boolean): void {
  const refuse = (rule: string, count: number): never => {
    throw new InteractionError(
      "invalid_response",
      `A message may have at most ${rule}: current count '${count}'`,
    );
  };
  const components = input.components;
  if (Array.isArray(components)) {
    if (v2) {
      const count = componentCount(components);
      if (count > MAX_V2_COMPONENTS) {
        refuse(
          `${MAX_V2_COMPONENTS} components with Components v2, nested ones included`,
          count,
        );
      }
    } else if (components.length > MAX_ACTION_ROWS) {
      refuse(
        `${MAX_ACTION_ROWS} action rows (without Components v2)`,
        components.length,
      );
    }
  }
  if (Array.isArray(input.embeds) && input.embeds.length > MAX_EMBEDS) {
    refuse(`${MAX_EMBEDS} embeds`, input.embeds.length);
  }
}

/** The mention types `allowed_mentions.parse` may name. */
const MENTION_TYPES: ReadonlySet<unknown> = new Set([
  "users",
  "roles",
  "everyone",
]);

/** Ids `allowed_mentions.users` and `.roles` may list each. */
const MAX_MENTION_IDS = 100;

/** Refuse a message for its `allowed_mentions`, naming the rule broken. */
function refuseMentions(rule: string): never {
  throw new InteractionError(
    "invalid_response",
    `Cannot send message as Discord would refuse its 'allowed_mentions' (nothing was sent): ${rule}`,
  );
}

/**
 * Discord's rules for `allowed_mentions`: `parse` lists only "users",
 * "roles" and "everyone"; `users` and `roles` list at most 100 ids each;
 * and `parse` names neither "users" next to a list of `users` nor "roles"
 * next to a list of `roles` ("mutually exclusive ... causing a validation
 * error"). An empty list beside `parse`, as Discord's own examples send,
 * passes, as Discord takes it.
 *
 * @throws {InteractionError} `invalid_response` naming the rule broken.
 */
function checkAllowedMentions(mentions: unknown): void {
  if (mentions == null) return;
  if (typeof mentions !== "object") {
    refuseMentions(`it must be an object: current value '${shown(mentions)}'`);
  }
  const { parse, users, roles } = mentions as Record<string, unknown>;
  if (parse != null && !Array.isArray(parse)) {
    refuseMentions(
      `'parse' must be an array: current value '${shown(parse)}'`,
    );
  }
  const kinds: readonly unknown[] = Array.isArray(parse) ? parse : [];
  const unknown = kinds.find((kind) => !MENTION_TYPES.has(kind));
  if (unknown !== undefined) {
    refuseMentions(
      `'parse' may list only 'users', 'roles' and 'everyone': current value '${
        shown(unknown)
      }'`,
    );
  }
  for (const [kind, ids] of [["users", users], ["roles", roles]] as const) {
    if (ids == null) continue;
    if (!Array.isArray(ids)) {
      refuseMentions(
        `'${kind}' must be an array of ids: current value '${shown(ids)}'`,
      );
    }
    if (ids.length > MAX_MENTION_IDS) {
      refuseMentions(
        `'${kind}' may list at most ${MAX_MENTION_IDS} ids: current count '${ids.length}'`,
      );
    }
    if (ids.length > 0 && kinds.includes(kind)) {
      refuseMentions(
        `'parse' names "${kind}" while '${kind}' lists ids, which Discord refuses as mutually exclusive: leave "${kind}" out of 'parse' to ping only the ids listed, or drop '${kind}' to ping every one mentioned`,
      );
    }
  }
}
