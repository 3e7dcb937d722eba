// ChannelMessages (the memory store's per-channel ring) against a sorted
// list: random inserts (mostly newest, some out of order, some repeated),
// deletes and evictions, with ids close enough to share a double key.
import assert from "node:assert/strict";
import { ChannelMessages, snowflakeKey } from "../../cache/channel_messages.ts";
import type { CompactMessage } from "../../cache/compact.ts";
import { compareSnowflakes } from "../../cache/options.ts";
import { mulberry32 } from "../_fakes/prng.ts";

/** A stand-in message: the ring stores and returns values as they are. */
function message(id: string, version: number): CompactMessage {
  return { id, version } as unknown as CompactMessage;
}

function check(
  ring: ChannelMessages,
  model: [string, CompactMessage][],
  where: string,
): void {
  assert.equal(ring.size, model.length, `${where}: size`);
  assert.deepStrictEqual(
    [...ring.keys()],
    model.map(([id]) => id),
    `${where}: order`,
  );
  assert.deepStrictEqual(
    [...ring.values()],
    model.map(([, v]) => v),
    `${where}: values`,
  );
  for (const [id, value] of model) {
    assert.equal(ring.get(id), value, `${where}: get ${id}`);
  }
  assert.equal(ring.oldestId(), model[0]?.[0], `${where}: oldest`);
  assert.equal(ring.newestId(), model.at(-1)?.[0], `${where}: newest`);
  assert.equal(ring.idBeforeNewest(), model.at(-2)?.[0], `${where}: before`);
}

Deno.test("ChannelMessages keeps the newest `bound` messages in id order, like a sorted list", () => {
  const base = 1_236_000_000_000_000_000n;
  let steps = 0;
  for (const bound of [1, 3, 8, 100, 37]) {
    for (let seed = 1; seed <= 6; seed++) {
      const random = mulberry32(seed * 1000 + bound);
      const ring = new ChannelMessages("c", bound);
      const model: [string, CompactMessage][] = [];
      let next = 0n;
      const seen: string[] = [];
      for (let step = 0; step < 600; step++) {
        const roll = random();
        const where = `bound ${bound} seed ${seed} step ${step}`;
        if (roll < 0.6) {
          // Newer than all: sometimes within 128 of the last (same double).
          next += random() < 0.5
            ? BigInt(1 + Math.floor(random() * 100))
            : 4_194_304n * BigInt(1 + Math.floor(random() * 50));
          const id = String(base + next);
          seen.push(id);
          const value = message(id, step);
          const gone = ring.set(id, value);
          model.push([id, value]);
          const expected = model.length > bound ? model.shift()![1] : undefined;
          assert.equal(gone, expected, `${where}: evicted`);
        } else if (roll < 0.8 && seen.length > 0) {
          // An older id, kept or not: replace, insert in order, or refuse.
          const id = seen[Math.floor(random() * seen.length)]!;
          const value = message(id, step);
          const at = model.findIndex(([other]) =>
            compareSnowflakes(other, id) >= 0
          );
          const gone = ring.set(id, value);
          if (at !== -1 && model[at]![0] === id) {
            assert.equal(gone, model[at]![1], `${where}: replaced`);
            model[at] = [id, value];
          } else if (model.length === bound && (at === 0 || bound === 0)) {
            assert.equal(gone, value, `${where}: too old to keep`);
          } else {
            const index = at === -1 ? model.length : at;
            model.splice(index, 0, [id, value]);
            const expected = model.length > bound
              ? model.shift()![1]
              : undefined;
            assert.equal(gone, expected, `${where}: insert evicted`);
          }
        } else if (seen.length > 0) {
          const id = seen[Math.floor(random() * seen.length)]!;
          const at = model.findIndex(([other]) => other === id);
          const gone = ring.delete(id);
          assert.equal(
            gone,
            at === -1 ? undefined : model[at]![1],
            `${where}: delete`,
          );
          if (at !== -1) model.splice(at, 1);
        }
        check(ring, model, where);
        steps++;
      }
      // A missing id between kept ones, and outside them, is not found.
      assert.equal(ring.get(String(base - 1n)), undefined);
      assert.equal(ring.get(String(base + next + 1n)), undefined);
    }
  }
  assert.ok(steps >= 10_000, `${steps} steps`);
});

Deno.test("ChannelMessages: ids within one double compare exactly, and shift empties the ring", () => {
  const a = "1236000000000000001";
  const b = "1236000000000000002";
  assert.equal(snowflakeKey(a), snowflakeKey(b)); // the case the ids settle
  const ring = new ChannelMessages("c", 2);
  const mb = message(b, 1);
  const ma = message(a, 2);
  assert.equal(ring.set(b, mb), undefined);
  assert.equal(ring.set(a, ma), undefined); // older, inserted before
  assert.deepStrictEqual([...ring.keys()], [a, b]);
  assert.equal(ring.get(a), ma);
  assert.equal(ring.shift(), ma);
  assert.equal(ring.shift(), mb);
  assert.equal(ring.shift(), undefined);
  assert.equal(ring.size, 0);
  assert.equal(ring.oldestId(), undefined);
});

Deno.test("ChannelMessages: ids that are not numbers are kept in a consistent order, found and deleted", () => {
  const ring = new ChannelMessages("c", 10);
  const ids = ["abc", "1236000000000000001", "", "zz", "Infinity", "1e3", "-5"];
  const values = new Map(ids.map((id, i) => [id, message(id, i)]));
  for (const id of ids) ring.set(id, values.get(id)!);
  assert.equal(ring.size, ids.length);
  for (const id of ids) assert.equal(ring.get(id), values.get(id), id);
  const order = [...ring.keys()];
  assert.deepStrictEqual(new Set(order), new Set(ids));
  // Setting again replaces in place; deleting finds each.
  for (const id of ids) {
    assert.equal(ring.set(id, values.get(id)!), values.get(id));
  }
  assert.deepStrictEqual([...ring.keys()], order);
  for (const id of ids) assert.equal(ring.delete(id), values.get(id), id);
  assert.equal(ring.size, 0);
});
