// Get Channel Pins pages as Discord does (message.mdx, "Get Channel Pins"):
// `limit` 1-50 (default 50), `before` an ISO 8601 time (pins pinned before
// it), and `has_more` when older pins are left.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { getChannelPins, pinMessage } from "../../rest/mod.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { CHANNEL, GUILD } from "./_one_channel.ts";

/** A channel with `count` messages `m0`.. pinned in order, a second apart. */
async function pinned(count: number): Promise<RestClient> {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ scheduler: clock });
  fake.resources.addGuild({ id: GUILD, name: "Guild" });
  fake.resources.addChannel({ id: CHANNEL, type: 0, guild_id: GUILD });
  const rest = new RestClient({
    token: "fake-bot-token",
    fetch: fake.fetch,
    scheduler: clock,
  });
  for (let i = 0; i < count; i++) {
    const message = await rest.createMessage(CHANNEL, { content: `m${i}` });
    await pinMessage(rest, CHANNEL, message.id);
    // Distinct pin times, so `before` can tell every pin apart.
    await clock.advance(1000);
  }
  return rest;
}

Deno.test("FakeRest pins: 50 by default, `limit`, and has_more", async () => {
  const rest = await pinned(60);
  const first = await getChannelPins(rest, CHANNEL);
  assert.equal(first.items.length, 50);
  assert.equal(first.items[0]!.message.content, "m59");
  assert.equal(first.has_more, true);
  const two = await getChannelPins(rest, CHANNEL, { limit: 2 });
  assert.deepEqual(two.items.map((p) => p.message.content), ["m59", "m58"]);
  assert.equal(two.has_more, true);
  const all = await getChannelPins(rest, CHANNEL, { limit: 50 });
  assert.equal(all.has_more, true);
});

Deno.test("FakeRest pins: `before` pages through, as Discord's example does", async () => {
  const rest = await pinned(60);
  const first = await getChannelPins(rest, CHANNEL, { limit: 50 });
  const next = await getChannelPins(rest, CHANNEL, {
    limit: 50,
    before: first.items.at(-1)!.pinned_at,
  });
  assert.deepEqual(
    next.items.map((p) => p.message.content),
    ["m9", "m8", "m7", "m6", "m5", "m4", "m3", "m2", "m1", "m0"],
  );
  assert.equal(next.has_more, false);
  const five = await getChannelPins(rest, CHANNEL, {
    before: first.items[9]!.pinned_at,
    limit: 5,
  });
  assert.deepEqual(
    five.items.map((p) => p.message.content),
    ["m49", "m48", "m47", "m46", "m45"],
  );
  assert.equal(five.has_more, true);
});

Deno.test("FakeRest pins: a limit outside 1-50 or a `before` that is no ISO 8601 time is a form error", async () => {
  const rest = await pinned(1);
  for (
    const [query, field, code] of [
      [{ limit: 51 }, "limit", "NUMBER_TYPE_MAX"],
      [{ limit: 0 }, "limit", "NUMBER_TYPE_MIN"],
      [{ before: "yesterday" }, "before", "DATE_TYPE_PARSE"],
    ] as const
  ) {
    // Sent raw: getChannelPins refuses a limit out of range unsent.
    const error = await rest.request(
      "GET",
      `/channels/${CHANNEL}/messages/pins`,
      { query },
    ).catch((e) => e);
    assert.ok(error instanceof DiscordApiError, `${field}: ${error}`);
    assert.deepEqual([error.status, error.code], [400, 50035]);
    const errors = error.errors as Record<
      string,
      { _errors: { code: string }[] }
    >;
    assert.equal(errors[field]!._errors[0]!.code, code);
  }
  const one = await getChannelPins(rest, CHANNEL, { limit: 1 });
  assert.deepEqual([one.items.length, one.has_more], [1, false]);
});
