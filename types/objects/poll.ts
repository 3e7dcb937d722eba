/**
 * Polls.
 *
 * @module
 */
import type { ComponentEmoji, PartialEmoji } from "./emoji.ts";

/** The text and/or emoji of a poll question or answer. */
export interface PollMedia {
  /** Text (question up to 300 characters, answer up to 55). */
  text?: string;
  /** Emoji of an answer. */
  emoji?: PartialEmoji;
}

/**
 * The text and/or emoji of a poll question or answer, as sent when creating
 * a poll: the emoji is only its `id` (custom) or only its `name` (unicode),
 * as Discord's poll docs prescribe; {@linkcode PollMedia} is what comes back.
 */
export interface PollMediaRequest {
  /** Text (question up to 300 characters, answer up to 55). */
  text?: string;
  /** Emoji of an answer: `{ id }` for a custom one, `{ name }` for unicode. */
  emoji?: ComponentEmoji;
}

/** One answer of a poll. */
export interface PollAnswer {
  /** Answer ID (1, 2, ...); votes refer to it. */
  answer_id: number;
  /** What the answer shows. */
  poll_media: PollMedia;
}

/** The vote count of one answer. */
export interface PollAnswerCount {
  /** The answer's `answer_id`. */
  id: number;
  /** Number of votes. */
  count: number;
  /** Whether the current user voted for the answer. */
  me_voted: boolean;
}

/** Vote counts; exact only once `is_finalized` is true. */
export interface PollResults {
  /** Whether the votes have been precisely counted. */
  is_finalized: boolean;
  /** Counts per answer; answers without votes may be missing. */
  answer_counts: PollAnswerCount[];
}

/** A poll attached to a message. */
export interface Poll {
  /** The question. */
  question: PollMedia;
  /** The answers. */
  answers: PollAnswer[];
  /** When the poll ends; null for polls that never expire. */
  expiry: string | null;
  /** Whether a user may pick several answers. */
  allow_multiselect: boolean;
  /** Layout type; 1 is the only one. */
  layout_type: number;
  /** Results; may be missing in some cases. */
  results?: PollResults;
}

/** The body for creating a poll with a message. */
export interface PollCreateRequest {
  /** The question (text only). */
  question: PollMediaRequest;
  /** Up to 10 answers. */
  answers: {
    /** What the answer shows. */
    poll_media: PollMediaRequest;
  }[];
  /**
   * Hours the poll stays open, up to 768 (32 days).
   *
   * @default {24}
   */
  duration?: number;
  /**
   * Whether a user may pick several answers.
   *
   * @default {false}
   */
  allow_multiselect?: boolean;
  /**
   * Layout type.
   *
   * @default {1}
   */
  layout_type?: number;
}
