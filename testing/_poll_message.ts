/**
 * The poll of a message the fake creates, as Discord answers a message
 * sent with a poll request: what the request asked, numbered, with its end
 * and no votes yet. (The request was checked before: `pollErrors`.)
 *
 * @module
 */
import type {
  Poll,
  PollCreateRequest,
  PollMedia,
  PollMediaRequest,
} from "../types/objects/poll.ts";

/** Hours a poll stays open when its request gives no `duration`. */
const DEFAULT_POLL_HOURS = 24;

/**
 * The poll a message carries: answers numbered from 1 in their order (as
 * Discord numbers them), the expiry `duration` hours (24 by default) after
 * the message was made, multiselect and layout as asked (false and 1 by
 * default), and results counted to nothing.
 *
 * @param request The message's poll request, already checked.
 * @param createdAt When the message was made, in Unix milliseconds.
 * @returns The message's `poll`.
 */
export function messagePoll(
  request: PollCreateRequest,
  createdAt: number,
): Poll {
  const hours = request.duration ?? DEFAULT_POLL_HOURS;
  return {
    question: media(request.question),
    answers: request.answers.map((answer, i) => ({
      answer_id: i + 1,
      poll_media: media(answer.poll_media),
    })),
    expiry: new Date(createdAt + hours * 3_600_000).toISOString(),
    allow_multiselect: request.allow_multiselect ?? false,
    layout_type: request.layout_type ?? 1,
    results: { is_finalized: false, answer_counts: [] },
  };
}

/** A question's or answer's media as Discord shows it: an emoji whole. */
function media(request: PollMediaRequest): PollMedia {
  const shown: PollMedia = {};
  if (request.text !== undefined) shown.text = request.text;
  if (request.emoji !== undefined) {
    shown.emoji = {
      id: request.emoji.id ?? null,
      name: request.emoji.name ?? null,
    };
  }
  return shown;
}
