/**
 * {@linkcode RefusingLeases}: the leases of one shard set, less the shards
 * that stopped for good in this process (a fatal close such as 4004 or
 * 4014, or the runtime denying network access to the gateway host). Such a
 * shard's lease is released, so that another process (with the right
 * token, intents or permissions, say) with room in its fair share can run
 * it, and this process never runs it again: its options are the same for
 * its whole life, so the shard would only stop again, at every tick. Once
 * it refuses one, the other processes stop counting it in their fair
 * shares, so one of them takes the shard even when each was at its share
 * (it counted, the shard stayed unrun until this process was fixed or left).
 *
 * @module
 */
import { type LeaseTick, ShardLeases } from "./shard_leases.ts";

/** {@linkcode ShardLeases} that never hand this process a refused shard. */
export class RefusingLeases extends ShardLeases {
  readonly #refused = new Set<number>();

  /**
   * Never run `shardId` again in this process, and release its lease.
   *
   * @param shardId The shard that stopped for good.
   * @returns Once Redis released it.
   */
  refuse(shardId: number): Promise<void> {
    this.#refused.add(shardId);
    return this.release([shardId]);
  }

  /** Whether a shard was refused: the others then count without this process. */
  protected override get refusing(): boolean {
    return this.#refused.size > 0;
  }

  /**
   * Whether `shardId` was refused.
   *
   * @param shardId The shard.
   */
  refuses(shardId: number): boolean {
    return this.#refused.has(shardId);
  }

  /**
   * {@linkcode ShardLeases.tick}, a refused shard neither claimed nor
   * reported. The tick script may still lease one (a free shard within the
   * fair share is taken, and only the pool says which may be: changing it
   * would count this process among other members), or renew one the tick
   * claimed before its refusal: it is released at once, in the same
   * connection's order, so that a process with room in its share takes it
   * at its next tick.
   *
   * @param held The shards this process believes it holds.
   * @param now The time on the fleet's clock, or `undefined` for Redis's.
   * @param take `false` to only join the members (and renew what is held).
   * @param notBefore Take no free shard and shed none before this time.
   * @returns What to stop and start, refused shards left out.
   */
  override async tick(
    held: readonly number[],
    now: number | undefined,
    take?: boolean,
    notBefore?: number,
  ): Promise<LeaseTick> {
    const kept = (id: number) => !this.#refused.has(id);
    const result = await super.tick(held.filter(kept), now, take, notBefore);
    if (this.#refused.size === 0) return result;
    const back = [...result.acquired, ...result.kept].filter((id) => !kept(id));
    if (back.length > 0) void this.release(back).catch(() => {});
    return {
      ...result,
      kept: result.kept.filter(kept),
      lost: result.lost.filter(kept),
      acquired: result.acquired.filter(kept),
      shed: result.shed.filter(kept),
    };
  }
}
