/**
 * {@linkcode EnforcedNonces}: the memory behind Create Message's
 * `enforce_nonce`. Private to the test kit.
 *
 * @module
 */

/**
 * How long a nonce stays taken. The docs say only "the past few minutes";
 * the fake holds to the short end, so a bot counting on a longer window
 * sends a duplicate here first rather than in production.
 */
export const NONCE_WINDOW = 2 * 60_000;

/** A message created with a nonce: which one, and when. */
interface Sent {
  messageId: string;
  at: number;
}

/**
 * The nonces of recent messages, by author: "If another message was
 * created by the same author with the same nonce, that message will be
 * returned and no new message will be created" (Create Message,
 * `enforce_nonce`).
 */
export class EnforcedNonces {
  #sent = new Map<string, Sent>();
  #now: () => number;

  /**
   * @param now The fake's clock (its scheduler's `now`), so a virtual
   *   clock expires nonces.
   */
  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * The earlier message a create request stands for: with
   * `enforce_nonce: true` and a nonce the same author used within
   * {@linkcode NONCE_WINDOW}.
   *
   * @param authorId Who sends.
   * @param body The create request's fields.
   * @returns The earlier message's id, or `undefined` to create one.
   */
  earlier(
    authorId: string,
    body: Record<string, unknown>,
  ): string | undefined {
    const key = keyOf(authorId, body);
    if (body.enforce_nonce !== true || key === undefined) return undefined;
    const sent = this.#sent.get(key);
    return sent && this.#now() - sent.at < NONCE_WINDOW
      ? sent.messageId
      : undefined;
  }

  /**
   * Note a created message's nonce, whether or not it enforced it: a
   * later request enforcing it finds any earlier message with it.
   *
   * @param authorId Who sent it.
   * @param body The create request's fields.
   * @param messageId The message created.
   */
  remember(
    authorId: string,
    body: Record<string, unknown>,
    messageId: string,
  ): void {
    const key = keyOf(authorId, body);
    if (key === undefined) return;
    const now = this.#now();
    // Forget the expired ones, so a long test does not grow the map: the
    // oldest first (kept in the order sent), up to the first still kept,
    // or each create walked every nonce ever sent (quadratic).
    for (const [old, sent] of this.#sent) {
      if (now - sent.at < NONCE_WINDOW) break;
      this.#sent.delete(old);
    }
    this.#sent.delete(key);
    this.#sent.set(key, { messageId, at: now });
  }
}

/** The map key of a request's nonce, `undefined` when it has none. */
function keyOf(
  authorId: string,
  body: Record<string, unknown>,
): string | undefined {
  const nonce = body.nonce;
  return typeof nonce === "string" || typeof nonce === "number"
    ? `${authorId}:${nonce}`
    : undefined;
}
