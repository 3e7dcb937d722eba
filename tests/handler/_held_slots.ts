// ShardSlots over real shards (the shard harness) with gated handler calls,
// for the tests of the held bounds: each shard's own and the Client-wide
// total of one Client's shards.
import { Client } from "../../handler/client.ts";
import { HELD_EVENT_CHARS, ShardSlot } from "../../handler/shard_slot.ts";
import { HeldTotal } from "../../handler/held_total.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import type { FakeDiscord } from "../../testing/fake_discord.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { type Harness, readyHarness } from "../_fakes/shard_harness.ts";

/** A MiB, in characters of frame text. */
export const MI = 1024 * 1024;

/** A slot over a ready shard, its handler calls gated one by one. */
export interface HeldSlot {
  h: Harness;
  slot: ShardSlot;
  stop: AbortController;
  /**
   * Queue `count` calls that wait for `release`, each holding `chars` in
   * all (its frame counted `HELD_EVENT_CHARS` fewer, as the slot adds that).
   */
  hold: (count: number, chars?: number) => void;
  /** Let the `count` oldest held calls finish, one by one. */
  release: (count: number) => Promise<void>;
}

/** A slot over a real shard (the harness), its handlers gated one by one. */
export async function slotOverShard(
  total: HeldTotal = new HeldTotal(),
): Promise<HeldSlot> {
  const h = await readyHarness();
  const stop = new AbortController();
  const slot = new ShardSlot(
    h.shard,
    undefined as unknown as RestClient,
    stop.signal,
    total,
  );
  const gates: (() => void)[] = [];
  return {
    h,
    slot,
    stop,
    hold: (count, chars = MI) => {
      for (let i = 0; i < count; i++) {
        slot.runner.push(() => new Promise<void>((r) => gates.push(r)));
        slot.held(chars - HELD_EVENT_CHARS);
      }
    },
    release: async (count) => {
      for (let i = 0; i < count && gates.length > 0; i++) {
        gates.shift()!();
        await h.settle();
      }
    },
  };
}

/** `count` slots over shards of their own, sharing one Client's total. */
export async function slotsOverShards(count: number): Promise<{
  slots: HeldSlot[];
  total: HeldTotal;
  settle: () => Promise<void>;
  paused: () => boolean[];
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const total = new HeldTotal();
  const slots: HeldSlot[] = [];
  for (let i = 0; i < count; i++) slots.push(await slotOverShard(total));
  return {
    slots,
    total,
    settle: async () => {
      for (const { h } of slots) await h.settle();
    },
    paused: () => slots.map(({ h }) => h.shard.paused),
    [Symbol.asyncDispose]: async () => {
      for (const { h, stop, release } of slots) {
        stop.abort();
        await release(Number.POSITIVE_INFINITY);
        await h.shard.close();
      }
    },
  };
}

/**
 * A Client on `discord` (guild messages with their content), `listen`
 * given it before it starts, started on `scheduler`.
 */
export async function startedClient(
  scheduler: VirtualScheduler,
  discord: FakeDiscord,
  listen: (client: Client) => void,
): Promise<Client> {
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  listen(client);
  await runUntilSettled(scheduler, client.start());
  return client;
}
