/**
 * The poll a new message may carry, as Discord checks it (poll resource,
 * Poll Create Request Object): a per-field `errors` tree for Discord's
 * 50035 "Invalid Form Body". Private to the test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import {
  asObject,
  badLength,
  orNothing,
  outOfRange,
  put,
  required,
  type Tree,
} from "./_form_errors.ts";

/** "Up to 32 days", in the hours `duration` counts. */
const MOST_HOURS = 32 * 24;

/**
 * The errors of a Create Message `poll`: a question whose `text` has 1-300
 * characters ("the maximum length of `text` is 300 for the question, and
 * 55 for any answer"), 1-10 answers ("up to 10"; a poll with none has
 * nothing to vote for) each with a `poll_media.text` of 1-55, and a
 * `duration` of 1 to 768 hours ("up to 32 days") when given. So `poll: {}`
 * is refused for its missing question and answers.
 *
 * @param value The body's `poll`, when not `undefined` or `null`.
 * @returns The errors tree for `poll`, or `undefined` when it passes.
 */
export function pollErrors(value: unknown): Tree | undefined {
  const poll = asObject(value);
  const errors: Tree = {};
  put(errors, "question", mediaErrors(poll.question, 300));
  const answers = poll.answers;
  if (!Array.isArray(answers)) errors.answers = required();
  else if (answers.length < 1 || answers.length > 10) {
    errors.answers = badLength(1, 10);
  } else {
    const byIndex: Tree = {};
    answers.forEach((answer, index) => {
      const media = mediaErrors(asObject(answer).poll_media, 55);
      if (media) byIndex[String(index)] = { poll_media: media };
    });
    put(errors, "answers", byIndex);
  }
  const duration = poll.duration;
  if (
    duration !== undefined && duration !== null &&
    (typeof duration !== "number" || duration < 1 || duration > MOST_HOURS)
  ) {
    errors.duration = outOfRange(1, MOST_HOURS);
  }
  return orNothing(errors);
}

/** A poll media object's errors: its `text` of 1 to `max` characters. */
function mediaErrors(value: unknown, max: number): Tree | undefined {
  if (typeof value !== "object" || value === null) return required();
  const text = asObject(value).text;
  if (typeof text !== "string") return { text: required() };
  const length = textLength(text);
  return length < 1 || length > max ? { text: badLength(1, max) } : undefined;
}
