// How the poll vote events change a cached message's poll tally (Discord's
// poll results object: `answer_counts` of `{ id, count, me_voted }` and
// `is_finalized`). A pure function of the old message and the event; the
// core stores the result. The poll, its results and the changed count are
// rebuilt from their documented fields (project.ts), not spread: the cache
// keeps a message's poll as the gateway sent it, and a spread would copy
// whatever extra keys it came with on every later vote.
import type { CachedValue } from "./changes.ts";
import { isBotUser, longerThan, withEntry } from "./reduce_context.ts";
import {
  projectAnswerCount,
  projectPoll,
  projectPollResults,
} from "./project.ts";
import { isRecord } from "../base/is_record.ts";

type D = CachedValue;

/**
 * The most answers (and answer counts) of a poll whose tally the vote
 * events patch: Discord's docs allow 10 answers, and this leaves room for a
 * raised limit. Each vote scans the answers and copies the counts, so a
 * hostile MESSAGE_CREATE with 100,000 answers made 10,000 votes take 17 s;
 * a longer poll's tally stays as it came.
 */
export const MAX_POLL_ANSWERS = 100;

/**
 * MESSAGE_POLL_VOTE_ADD (`delta` 1) or MESSAGE_POLL_VOTE_REMOVE (-1): the
 * message with one vote more or less for the event's answer, or undefined
 * when its tally stays. It stays when the poll's results are absent
 * (Discord's docs: unknown, not none), when they are finalized (the final
 * count), and for an answer the poll does not have (so a hostile gateway
 * cannot grow the tally with made-up answer ids). An answer without an
 * entry has no votes (Discord's docs): the first vote adds its entry, and
 * the last vote removed takes it out. The bot's own vote sets `me_voted`.
 */
export function countVote(
  message: D,
  d: D,
  botId: string | undefined,
  delta: 1 | -1,
): D | undefined {
  const poll = message.poll;
  if (!isRecord(poll) || !isRecord(poll.results)) return undefined;
  const results = poll.results;
  const answerId = d.answer_id;
  if (
    results.is_finalized === true ||
    longerThan(poll.answers, MAX_POLL_ANSWERS) ||
    longerThan(results.answer_counts, MAX_POLL_ANSWERS) ||
    !hasAnswer(poll, answerId)
  ) {
    return undefined;
  }
  const counts = Array.isArray(results.answer_counts)
    ? results.answer_counts.filter(isRecord)
    : [];
  const index = counts.findIndex((entry) => entry.id === answerId);
  const current = index === -1
    ? { id: answerId, count: 0, me_voted: false }
    : counts[index]!;
  // A count that is no safe integer (a hostile gateway's NaN-like value,
  // which JSON would turn into null in one store only) counts as none.
  const was = current.count;
  const count = (Number.isSafeInteger(was) ? was as number : 0) + delta;
  if (index === -1 && count <= 0) return undefined;
  const next = projectAnswerCount(current);
  next.count = count;
  if (isBotUser(d.user_id, botId)) next.me_voted = delta > 0;
  const nextResults = projectPollResults(results);
  nextResults.answer_counts = withEntry(
    counts,
    index,
    count > 0 ? next : undefined,
  );
  const nextPoll = projectPoll(poll);
  nextPoll.results = nextResults;
  // The message is the store's own copy, with its documented fields only.
  return { ...message, poll: nextPoll };
}

/** Whether `answerId` is one of the poll's answers. */
function hasAnswer(poll: D, answerId: unknown): boolean {
  return typeof answerId === "number" && Array.isArray(poll.answers) &&
    poll.answers.some((answer) =>
      isRecord(answer) && answer.answer_id === answerId
    );
}
