/**
 * {@linkcode DuplicateFilter}: how a reshard tells a second copy of an event
 * (Discord sends a guild's events to the shard of each set that owns it
 * while both sets run) from a new one, by {@linkcode eventIdentity}; and
 * {@linkcode MemoryDuplicateFilter}, the filter of one process.
 *
 * @module
 */
import type { FleetDispatch } from "./fleet_dispatch.ts";

/**
 * Characters of event identities a process keeps in memory for a reshard by
 * default, in each of the places that keep them (the memory filter's
 * remembered identities; the held events): 32 Mi, about 64 MiB as UTF-16.
 */
export const DEFAULT_MAX_CHARS = 32 * 1024 * 1024;

/**
 * Decides whether an event was delivered already, by its identity. It
 * works on keys, which {@linkcode DuplicateFilter.key} derives from an
 * identity once per event, so that an event held for a while can be asked
 * about again without serialising or hashing it again.
 */
export interface DuplicateFilter {
  /**
   * What the filter records for an identity (the identity itself, or a
   * digest of it).
   *
   * @param identity From {@linkcode eventIdentity}.
   * @returns The key, or a promise of it.
   */
  key(identity: string): string | Promise<string>;
  /**
   * Record `keys` and say which are new. Takes many, so that a switch's
   * held events are recorded in a few requests rather than one each. A
   * filter with {@linkcode DuplicateFilter.confirm} records a claim, which
   * counts until confirmed or expired.
   *
   * @param keys From {@linkcode DuplicateFilter.key}.
   * @returns One answer per key, in order: `true` the first time a key is
   *   seen (earlier in `keys` included), `false` after.
   */
  firstSeen(keys: readonly string[]): boolean[] | Promise<boolean[]>;
  /**
   * Whether keys were seen, without recording them: for a filter with
   * {@linkcode DuplicateFilter.confirm}, whether they were confirmed (a
   * claimer may die before delivering, so a claim alone answers `false`).
   *
   * @param keys From {@linkcode DuplicateFilter.key}.
   * @returns One answer per key, in order.
   */
  seenAlready(keys: readonly string[]): boolean[] | Promise<boolean[]>;
  /**
   * Say that the events of `keys`, each answered `true` by
   * {@linkcode DuplicateFilter.firstSeen}, were delivered. Optional: a
   * filter whose records cannot outlive the process that delivers (one in
   * memory) records at `firstSeen`. One shared by processes claims at
   * `firstSeen` instead, so that a process killed before delivering does
   * not leave the event's other copies to be dropped: a claim not confirmed
   * in time expires. `HeldEvents` calls it after delivering, in batches,
   * without making delivery wait; a confirm lost costs at most a second
   * delivery later.
   *
   * @param keys From {@linkcode DuplicateFilter.key}.
   */
  confirm?(keys: readonly string[]): void | Promise<void>;
}

/**
 * What makes two copies of one event the same: its name and its payload as
 * JSON (sequence numbers and sessions differ between shard sets, the payload
 * Discord sends does not).
 *
 * @param event The dispatch.
 * @returns The identity.
 */
export function eventIdentity(event: FleetDispatch): string {
  return `${event.name}\u0000${JSON.stringify(event.data)}`;
}

/**
 * The last identities, in one process's memory: at most `limit` of them and
 * `maxChars` characters in all, the oldest forgotten first. An identity
 * holds the event's whole payload, which the gateway chooses: a count alone
 * would let 50,000 large payloads take gigabytes. Forgetting early costs at
 * most a second copy delivered, never an event lost. Its key is the identity
 * itself (exact, and already in memory). It has no
 * {@linkcode DuplicateFilter.confirm}: it records at
 * {@linkcode DuplicateFilter.firstSeen}, and nothing it records outlives
 * the process that would deliver.
 */
export class MemoryDuplicateFilter implements DuplicateFilter {
  readonly #seen = new Set<string>();
  readonly #limit: number;
  readonly #maxChars: number;
  #chars = 0;

  /**
   * @param limit How many identities are remembered (oldest forgotten first).
   * @param maxChars How many characters they may hold in all (32 Mi, about
   *   64 MiB, by default); an identity longer than that is not remembered.
   */
  constructor(limit = 50_000, maxChars = DEFAULT_MAX_CHARS) {
    this.#limit = limit;
    this.#maxChars = maxChars;
  }

  /** Characters held by the remembered identities. */
  get chars(): number {
    return this.#chars;
  }

  /** @inheritdoc */
  key(identity: string): string {
    return identity;
  }

  /** @inheritdoc */
  firstSeen(identities: readonly string[]): boolean[] {
    return identities.map((identity) => this.#record(identity));
  }

  /** @inheritdoc */
  seenAlready(identities: readonly string[]): boolean[] {
    return identities.map((identity) => this.#seen.has(identity));
  }

  #record(identity: string): boolean {
    if (this.#seen.has(identity)) return false;
    if (identity.length > this.#maxChars) return true;
    this.#seen.add(identity);
    this.#chars += identity.length;
    while (this.#seen.size > this.#limit || this.#chars > this.#maxChars) {
      const oldest = this.#seen.values().next().value!;
      this.#seen.delete(oldest);
      this.#chars -= oldest.length;
    }
    return true;
  }
}
