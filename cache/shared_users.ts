// The memory store's users: one CompactUser per user id, shared by the
// members and messages that refer to it and counted by them (`refs`).
import type { CachedValue } from "./changes.ts";
import { CompactUser } from "./compact.ts";
import { FreedRing } from "./freed_ring.ts";
import { snowflake } from "./reduce_context.ts";

/** How many freed users are kept (unseen) for a reference coming back. */
export const FREED_USERS_KEPT = 4_096;

/**
 * The shared users, each held while a member or message refers to it.
 *
 * A user whose last reference goes stays a while, unseen (no getter, id
 * list or size shows it), in a {@linkcode FreedRing}: deleted at once, a
 * user whose one message is deleted and who writes again deleted and
 * re-added its key each time, which slows a big Map (see freed_ring.ts).
 * Its next reference finds the same object.
 */
export class SharedUsers {
  readonly #users = new Map<string, CompactUser>();
  readonly #freed = new FreedRing(FREED_USERS_KEPT);
  /** Users in #users with no reference (each queued in #freed). */
  #freedCount = 0;

  /** How many users are held. */
  get size(): number {
    return this.#users.size - this.#freedCount;
  }

  /** User `id` if a member or message holds it. */
  get(id: string): CompactUser | undefined {
    const user = this.#users.get(id);
    return user !== undefined && user.refs > 0 ? user : undefined;
  }

  /** The ids of the users held. */
  *ids(): IterableIterator<string> {
    for (const [id, user] of this.#users) if (user.refs > 0) yield id;
  }

  /**
   * The shared copy of user `value`, updated to it, with one more
   * reference; with `checkId`, none for a user not yet held whose id is no
   * snowflake (a message's author: a member's id was checked by the core,
   * and a held user's when it was added).
   */
  hold(value: CachedValue): CompactUser;
  hold(value: CachedValue, checkId: true): CompactUser | undefined;
  hold(value: CachedValue, checkId = false): CompactUser | undefined {
    const id = value.id as string;
    let user = this.#users.get(id);
    if (user === undefined) {
      if (checkId && snowflake(id) === undefined) return undefined;
      user = new CompactUser(value);
      this.#users.set(id, user);
    } else {
      // Freed a moment ago: held again, and still queued (it goes only if
      // free when it leaves the queue).
      if (user.refs === 0) this.#freedCount--;
      if (!user.same(value)) user.update(value);
    }
    user.refs++;
    return user;
  }

  /**
   * One reference to `user` (id `id`) went; with none left it is queued,
   * and the user that leaves the queue goes if still free.
   */
  release(user: CompactUser, id: string): void {
    if (--user.refs !== 0) return;
    this.#freedCount++;
    const out = this.#freed.add(id);
    if (out === undefined) return;
    const oldest = this.#users.get(out);
    if (oldest !== undefined && oldest.refs === 0) {
      this.#users.delete(out);
      this.#freedCount--;
    }
  }

  /** Forget every user. */
  clear(): void {
    this.#users.clear();
    this.#freed.clear();
    this.#freedCount = 0;
  }
}
