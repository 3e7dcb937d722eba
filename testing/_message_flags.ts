/**
 * The message flags a request may set when it creates a message, per
 * route, as Discord's docs list them. Private to the test kit.
 *
 * @module
 */

import { MessageFlags } from "../types/objects/message.ts";

const {
  SuppressEmbeds: SUPPRESS_EMBEDS,
  Ephemeral: EPHEMERAL,
  SuppressNotifications: SUPPRESS_NOTIFICATIONS,
  IsVoiceMessage: IS_VOICE_MESSAGE,
  IsComponentsV2: IS_COMPONENTS_V2,
} = MessageFlags;

/**
 * What Create Message may set: "only `SUPPRESS_EMBEDS`,
 * `SUPPRESS_NOTIFICATIONS`, `IS_VOICE_MESSAGE`, and `IS_COMPONENTS_V2` can
 * be set". EPHEMERAL is not among them: a channel message is public.
 */
export const CREATE_MESSAGE_FLAGS: number = SUPPRESS_EMBEDS |
  SUPPRESS_NOTIFICATIONS | IS_VOICE_MESSAGE | IS_COMPONENTS_V2;

/**
 * What an interaction reply (callback type 4) or followup may set: the
 * same, plus EPHEMERAL (Interaction Response "Messages" flags).
 */
export const INTERACTION_MESSAGE_FLAGS: number = CREATE_MESSAGE_FLAGS |
  EPHEMERAL;

/** The flags Execute Webhook lets a message set (webhook.mdx). */
export const WEBHOOK_MESSAGE_FLAGS: number = SUPPRESS_EMBEDS |
  SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2;

/** The flags a forum or media post's first message may set (channel.mdx). */
export const FORUM_POST_FLAGS: number = SUPPRESS_EMBEDS |
  SUPPRESS_NOTIFICATIONS;

/**
 * The request body with its `flags` cut to `settable`. The docs do not say
 * Discord refuses the others on create (they say an edit ignores them), so
 * the fake drops them silently rather than answering 400; a bot counting on
 * one (say EPHEMERAL on a channel message) sees it missing, as on Discord.
 *
 * @param body The create request's fields.
 * @param settable The flags this route lets the request set.
 * @returns `body` itself when it has no numeric `flags`, else a copy with
 *   the flags masked.
 */
export function withSettableFlags(
  body: Record<string, unknown>,
  settable: number,
): Record<string, unknown> {
  return typeof body.flags === "number"
    ? { ...body, flags: body.flags & settable }
    : body;
}
