// ShardTurns alone: the order of copies on their way round, a lost copy that
// stops holding the later ones back, another handler's turns, a command
// taken and put back that keeps its turn, and the cost of a round of the
// queue (linear in its copies). ShardHolds: the budgets.
import assert from "node:assert/strict";
import {
  DEFAULT_PREFETCH,
  MAX_SHARD_COMMANDS,
  ShardHolds,
  SLOT_RESERVE,
} from "../../dispatch/shard_holds.ts";
import { ShardTurns, TURN_LIFETIME } from "../../dispatch/shard_turns.ts";

Deno.test("ShardHolds: a lone busy shard takes the prefetch less the reserve, the next ones held in order behind MAX_SHARD_COMMANDS given to it; busy shards share it; one that holds none always takes one", () => {
  const holds = new ShardHolds<number>();
  const limit = DEFAULT_PREFETCH - SLOT_RESERVE;
  for (let i = 0; i < limit; i++) {
    assert.ok(holds.mayTake(0), `the ${i}th`);
    if (holds.runsNow(0)) holds.started(0);
    else holds.hold(0, i);
  }
  assert.equal(holds.mayTake(0), false);
  assert.equal(holds.taken(0), limit);
  assert.equal(holds.runsNow(0), false);
  // Shard 1 holds none: it takes one, from the reserve.
  assert.ok(holds.mayTake(1));
  holds.started(1);
  assert.equal(holds.mayTake(1), false, "the slots less the reserve are full");
  assert.equal(holds.budget(0), Math.floor(limit / 2));
  // Shard 0 writes one: its next held is given to it, in order.
  holds.finished(0);
  assert.equal(holds.next(0), MAX_SHARD_COMMANDS);
  holds.started(0);
  assert.equal(holds.next(0), undefined, "MAX_SHARD_COMMANDS given");
  // Put back all at once when it cannot take them.
  assert.equal(holds.next(0, true), MAX_SHARD_COMMANDS + 1);
  // 16 busy shards: 5 each.
  const many = new ShardHolds<number>();
  for (let shard = 0; shard < 16; shard++) many.started(shard);
  assert.equal(many.budget(0), Math.floor(limit / 16));
  assert.equal(many.budget(16), Math.floor(limit / 17));
});

Deno.test("ShardTurns: while copies are on their way, only the oldest is taken, and new commands wait behind them; a lost copy stops holding them TURN_LIFETIME after it was put back", () => {
  const turns = new ShardTurns();
  const first = turns.putBack(0, turns.next(), 0);
  const second = turns.putBack(0, turns.next(), 10);
  assert.ok(second > first);
  assert.equal(turns.mayTake(0, turns.next(), 20), false, "new: behind them");
  assert.ok(turns.mayTake(1, turns.next(), 20), "shard 1 is not shard 0's");
  // The second comes back first: it goes round again, keeping its turn.
  assert.equal(turns.mayTake(0, second, 20), false);
  assert.equal(turns.putBack(0, second, 20), second);
  assert.ok(turns.mayTake(0, first, 30));
  turns.done(0, first);
  // The second is lost on its way (the queue purged).
  assert.equal(turns.mayTake(0, turns.next(), 20 + TURN_LIFETIME - 1), false);
  assert.ok(turns.mayTake(0, turns.next(), 20 + TURN_LIFETIME));
});

Deno.test("ShardTurns: a turn header is read back only by the handler that wrote it", () => {
  const turns = new ShardTurns();
  const other = new ShardTurns();
  const turn = turns.putBack(3, turns.next(), 0);
  const header = turns.publish(3, turn);
  assert.deepEqual(turns.turnOf(header), { turn, publish: 0 });
  assert.equal(other.turnOf(header), undefined);
  assert.equal(turns.turnOf("nonsense"), undefined);
  assert.equal(turns.turnOf(`${header}:1`), undefined);
  assert.equal(turns.turnOf(7), undefined);
  // Each number must be one.
  const [id] = header.split(":");
  assert.equal(turns.turnOf(`${id}:${turn}:x`), undefined);
  assert.equal(turns.turnOf(`${id}:x:0`), undefined);
});

Deno.test("ShardTurns: a copy that comes back forgets the copies published before it (another consumer took them), not those held unpublished", () => {
  const turns = new ShardTurns();
  const a = turns.putBack(0, turns.next(), 0);
  turns.publish(0, a);
  const b = turns.putBack(0, turns.next(), 0);
  const held = turns.putBack(0, turns.next(), 0); // waits to be published
  const c = turns.putBack(0, turns.next(), 0);
  const { publish } = turns.turnOf(turns.publish(0, c))!;
  turns.publish(0, b); // b goes round again after c
  // c is back: a, published before it, went elsewhere; b and held did not.
  turns.arrived(0, publish);
  assert.equal(turns.mayTake(0, c, 1), false, "b and held are older");
  assert.ok(turns.mayTake(0, b, 1), "a forgotten");
  turns.done(0, b);
  assert.equal(turns.mayTake(0, c, 1), false, "held is older");
  turns.done(0, held);
  assert.ok(turns.mayTake(0, c, 1));
  assert.ok(a < b);
});

Deno.test("ShardTurns: commands taken and put back (their shard closed) go back to their turns, before the copies that came later, whatever order they come back in", () => {
  const turns = new ShardTurns();
  const taken = [turns.next(), turns.next(), turns.next()];
  const later = turns.putBack(0, turns.next(), 0);
  for (const turn of taken) turns.done(0, turn);
  // Rejected by the shard in another order than they came.
  turns.putBack(0, taken[1]!, 1);
  turns.putBack(0, taken[2]!, 1);
  turns.putBack(0, taken[0]!, 1);
  // Each comes back, in any order: only the oldest is taken, the others
  // go round again.
  const order: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (const turn of [later, ...taken.toReversed()]) {
      if (!order.includes(turn) && turns.mayTake(0, turn, 2)) {
        order.push(turn);
        turns.done(0, turn);
      }
    }
  }
  assert.deepEqual(order, [...taken, later]);
});

Deno.test("ShardTurns: a round of the queue costs steps linear in its copies (one look per arrival, publish and take), at 1,000 copies as at 20,000", () => {
  for (const copies of [1_000, 20_000]) {
    const turns = new ShardTurns();
    const queue: string[] = [];
    for (let i = 0; i < copies; i++) {
      queue.push(turns.publish(0, turns.putBack(0, turns.next(), 0)));
    }
    // Every copy comes back in turn, the shard full: all go round again;
    // then every copy comes back once more and is taken in turn.
    const start = turns.steps;
    let head = 0;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < copies; i++) {
        const { turn, publish } = turns.turnOf(queue[head++])!;
        turns.arrived(0, publish);
        if (round === 1) {
          assert.ok(turns.mayTake(0, turn, 1), `copy ${i} in its turn`);
          turns.done(0, turn);
        } else {
          assert.equal(turns.mayTake(0, turn, 1), i === 0);
          queue.push(turns.publish(0, turns.putBack(0, turn, 1)));
        }
      }
    }
    const steps = turns.steps - start;
    // The old scan looked at every copy on each arrival: copies² a round.
    assert.ok(steps <= 6 * copies, `${steps} steps for ${copies} copies`);
    assert.ok(turns.mayTake(0, turns.next(), 2), "none left");
  }
});

Deno.test("ShardTurns: a copy forgotten (another consumer took it) that comes back after all and is put back holds the later ones back again, and lets them pass once taken", () => {
  const turns = new ShardTurns();
  const held = turns.putBack(0, turns.next(), 0); // waits to be published
  const a = turns.putBack(0, turns.next(), 0);
  turns.publish(0, a);
  const b = turns.putBack(0, turns.next(), 0);
  turns.arrived(0, turns.turnOf(turns.publish(0, b))!.publish);
  // a is forgotten; it comes back after all, behind held: put back.
  assert.equal(turns.mayTake(0, a, 1), false);
  assert.equal(turns.putBack(0, a, 1), a);
  turns.done(0, held);
  assert.equal(turns.mayTake(0, b, 2), false, "a is older again");
  assert.ok(turns.mayTake(0, a, 2));
  turns.done(0, a);
  assert.ok(turns.mayTake(0, b, 2), "a taken: b's turn");
});

Deno.test("ShardTurns: a command taken and put back slides past up to 256 older copies to its turn; past that it takes a new turn at the tail", () => {
  for (const older of [256, 257]) {
    const turns = new ShardTurns();
    const copies = Array.from(
      { length: older },
      () => turns.putBack(0, turns.next(), 0),
    );
    const taken = turns.next();
    const later = turns.putBack(0, turns.next(), 0);
    const turn = turns.putBack(0, taken, 1);
    for (const copy of copies) turns.done(0, copy);
    if (older === 256) {
      assert.equal(turn, taken);
      assert.ok(turns.mayTake(0, turn, 2));
      assert.equal(turns.mayTake(0, later, 2), false, "behind it");
    } else {
      assert.ok(turn > later, "a new turn, at the tail");
      assert.ok(turns.mayTake(0, later, 2));
      assert.equal(turns.mayTake(0, turn, 2), false, "behind later");
    }
  }
});
