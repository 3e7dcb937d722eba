// The Redis store's backlog bounds: a call is taken when nothing else
// waits, however large (README, "Cache"); past a bound, only a call that
// would wait behind others is refused.
import assert from "node:assert/strict";
import {
  entitiesOf,
  MAX_WAITING,
  MAX_WAITING_ENTITIES,
  RedisBacklog,
} from "../../cache/redis_backlog.ts";

Deno.test("RedisBacklog: one call of more than MAX_WAITING dispatches is taken when nothing waits", () => {
  const backlog = new RedisBacklog();
  const count = MAX_WAITING + 1;
  assert.equal(backlog.admit(count, count), undefined);
  assert.equal(backlog.dispatches, count);
  // Behind it, the next is refused until it is answered.
  assert.equal(
    backlog.admit(1, 1),
    `${count} dispatches are waiting for it`,
  );
  backlog.reduced(count);
  backlog.done(count);
  // Answered, none is left counted.
  assert.equal(backlog.dispatches, 0);
  assert.equal(backlog.admit(1, 1), undefined);
});

Deno.test("RedisBacklog: with dispatches waiting, a call past MAX_WAITING is refused", () => {
  const backlog = new RedisBacklog();
  assert.equal(backlog.admit(1, 1), undefined);
  assert.equal(
    backlog.admit(MAX_WAITING, MAX_WAITING),
    "1 dispatches are waiting for it",
  );
  assert.equal(backlog.admit(MAX_WAITING - 1, MAX_WAITING - 1), undefined);
});

Deno.test("RedisBacklog: one call past MAX_WAITING_ENTITIES is taken when nothing waits", () => {
  const backlog = new RedisBacklog();
  assert.equal(backlog.admit(1, MAX_WAITING_ENTITIES + 1), undefined);
  assert.notEqual(backlog.admit(1, 1), undefined);
});

Deno.test("RedisBacklog: with entities waiting, a call that brings them to exactly MAX_WAITING_ENTITIES is taken; one more is refused", () => {
  const backlog = new RedisBacklog();
  assert.equal(backlog.admit(1, 1), undefined);
  assert.equal(backlog.admit(1, MAX_WAITING_ENTITIES - 1), undefined);
  assert.equal(
    backlog.admit(1, 1),
    `2 dispatches of ${MAX_WAITING_ENTITIES} entities are waiting for it`,
  );
  // Reduced, they no longer count (their writes do, as they are sent).
  backlog.reduced(MAX_WAITING_ENTITIES);
  assert.equal(backlog.admit(1, MAX_WAITING_ENTITIES), undefined);
});

Deno.test("entitiesOf: one per dispatch plus its top-level lists, also for the dispatches after one whose data is no object", () => {
  const members = [{ user: { id: "1" } }, { user: { id: "2" } }];
  assert.equal(
    entitiesOf([
      { data: null },
      { data: "text" },
      { data: { guild_id: "1", members, presences: [{}] } },
    ]),
    3 + members.length + 1,
  );
});
