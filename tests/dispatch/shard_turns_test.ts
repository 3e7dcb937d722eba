// ShardTurns alone: the cap, the order of copies on their way round, a lost
// copy that stops holding the later ones back, and another handler's turns.
import assert from "node:assert/strict";
import {
  MAX_SHARD_COMMANDS,
  ShardTurns,
  TURN_LIFETIME,
} from "../../dispatch/shard_turns.ts";

Deno.test("ShardTurns: a shard runs at most MAX_SHARD_COMMANDS; others' are not held back", () => {
  const turns = new ShardTurns();
  for (let i = 0; i < MAX_SHARD_COMMANDS; i++) {
    assert.ok(turns.mayRun(0, undefined, 0));
    turns.started(0);
  }
  assert.equal(turns.mayRun(0, undefined, 0), false);
  assert.ok(turns.mayRun(1, undefined, 0), "shard 1 is not shard 0's");
  turns.finished(0);
  assert.ok(turns.mayRun(0, undefined, 0));
});

Deno.test("ShardTurns: while copies are on their way, only the oldest runs, and new commands wait behind them; a lost copy stops holding them TURN_LIFETIME after it was put back", () => {
  const turns = new ShardTurns();
  const first = turns.putBack(0, undefined, 0);
  const second = turns.putBack(0, undefined, 10);
  assert.ok(second > first);
  assert.equal(turns.mayRun(0, undefined, 20), false, "new: behind them");
  // The second comes back first: it goes round again, keeping its turn.
  turns.arrived(0, second);
  assert.equal(turns.mayRun(0, second, 20), false);
  assert.equal(turns.putBack(0, second, 20), second);
  turns.arrived(0, first);
  assert.ok(turns.mayRun(0, first, 30));
  // The second is lost on its way (the queue purged).
  assert.equal(turns.mayRun(0, undefined, 20 + TURN_LIFETIME - 1), false);
  assert.ok(turns.mayRun(0, undefined, 20 + TURN_LIFETIME));
});

Deno.test("ShardTurns: a turn header is read back only by the handler that wrote it", () => {
  const turns = new ShardTurns();
  const other = new ShardTurns();
  const turn = turns.putBack(3, undefined, 0);
  const header = turns.publish(3, turn);
  assert.deepEqual(turns.turnOf(header), { turn, publish: 0 });
  assert.equal(other.turnOf(header), undefined);
  assert.equal(turns.turnOf("nonsense"), undefined);
  assert.equal(turns.turnOf(`${header}:1`), undefined);
  assert.equal(turns.turnOf(7), undefined);
});

Deno.test("ShardTurns: a copy that comes back forgets the copies published before it (another consumer took them), not those held unpublished", () => {
  const turns = new ShardTurns();
  const a = turns.putBack(0, undefined, 0);
  turns.publish(0, a);
  const b = turns.putBack(0, undefined, 0);
  const held = turns.putBack(0, undefined, 0); // waits to be published
  const c = turns.putBack(0, undefined, 0);
  const { publish } = turns.turnOf(turns.publish(0, c))!;
  turns.publish(0, b); // b goes round again after c
  // c is back: a, published before it, went elsewhere; b and held did not.
  turns.arrived(0, c, publish);
  assert.equal(turns.mayRun(0, c, 1), false, "b and held are older");
  turns.arrived(0, b);
  assert.equal(turns.mayRun(0, c, 1), false, "held is older");
  turns.arrived(0, held);
  assert.ok(turns.mayRun(0, c, 1), "a forgotten");
  assert.ok(a < b);
});
