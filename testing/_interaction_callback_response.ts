/**
 * The body of POST `/interactions/{id}/{token}/callback?with_response=true`:
 * Discord answers such a callback 200 with an interaction callback response
 * (receiving-and-responding.md, Interaction Callback Response Object)
 * instead of 204, and a bot reading the created message from it got an
 * empty body from the fake. Private to the test kit.
 *
 * @module
 */
import type { RestMessage } from "../rest/payloads.ts";

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

/** What the response tells of the interaction answered. */
export interface AnsweredInteraction {
  /** The interaction ID. */
  id: string;
  /** The interaction type, when the fake knows it. */
  type: number | undefined;
  /** The message of a component interaction. */
  messageId: string | undefined;
}

/**
 * The interaction callback response for an accepted callback.
 *
 * `interaction` has the interaction's `id` and `type` (registered without
 * one: 3 when it came from a message's component, 2 otherwise) and, for a
 * callback that created a message (4, and 5's loading message), its
 * `response_message_id`, `response_message_loading` and
 * `response_message_ephemeral`. `resource` has the callback `type` and,
 * for 4 (`CHANNEL_MESSAGE_WITH_SOURCE`) and 7 (`UPDATE_MESSAGE`) only (the
 * docs' footnote), the `message` as created or updated.
 *
 * @param interaction The interaction answered.
 * @param callbackType The callback type.
 * @param message The message the callback created or updated, if any.
 * @returns The response body.
 */
export function callbackResponse(
  interaction: AnsweredInteraction,
  callbackType: number,
  message: RestMessage | undefined,
): Record<string, unknown> {
  const answered: Record<string, unknown> = {
    id: interaction.id,
    type: interaction.type ?? (interaction.messageId === undefined ? 2 : 3),
  };
  const flags = message?.flags ?? 0;
  if (message && (callbackType === 4 || callbackType === 5)) {
    answered.response_message_id = message.id;
    answered.response_message_loading = (flags & LOADING) !== 0;
    answered.response_message_ephemeral = (flags & EPHEMERAL) !== 0;
  }
  const resource: Record<string, unknown> = { type: callbackType };
  if (message && (callbackType === 4 || callbackType === 7)) {
    resource.message = structuredClone(message);
  }
  return { interaction: answered, resource };
}
