// A shard holds at most 1,000 commands waiting to be sent (presence updates
// apart, only the latest of which counts): Discord takes 120 frames a minute, so one behind more would go
// out over eight minutes late, and a flood sent while the shard is down grew
// the queue without bound (300,000 voice updates: +165 MiB, none refused).
import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import { createHarness, hello, ready } from "../_fakes/shard_harness.ts";

const leaveVoice = {
  op: 4 as const,
  d: { guild_id: "1", channel_id: null, self_mute: false, self_deaf: false },
};
const presence = (n: number) => ({
  op: 3 as const,
  d: {
    since: null,
    activities: [{ name: `p${n}`, type: 0 as const }],
    status: "online" as const,
    afk: false,
  },
});

Deno.test("Shard refuses a command with backlog_full once 1,000 wait to be sent (all frames of a call or none), never the latest presence, and takes commands again once the queue drains", async () => {
  const h = createHarness();
  const connected = h.shard.connect();
  await h.settle();
  const waiting: Promise<void>[] = [];
  for (let i = 0; i < 1_000; i++) waiting.push(h.shard.send(leaveVoice));
  const refused = await h.shard.send(leaveVoice).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(refused instanceof GatewayError);
  assert.equal(refused.kind, "backlog_full");
  // Presence updates wait apart, and are never refused: only the latest
  // counts, so past 1,000 held the oldest replaced one settles instead.
  const presences: Promise<void>[] = [];
  for (let i = 0; i <= 1_000; i++) presences.push(h.shard.send(presence(i)));
  let settled = 0;
  for (const p of presences) void p.then(() => settled++);
  await h.settle();
  assert.equal(settled, 1, "the second oldest, replaced, settled");
  // Frames of one call go out all or none (op 31 splits a long list).
  const guilds = Array.from(
    { length: 500 },
    (_, i) => String(1n << 22n | BigInt(i)),
  );
  const sounds = await h.shard.requestSoundboardSounds({ guild_ids: guilds })
    .then(() => undefined, (e) => e);
  assert.equal((sounds as GatewayError).kind, "backlog_full");
  hello(h.socket());
  await h.settle();
  ready(h.socket());
  await h.settle();
  await connected;
  const identify = h.socket().sentPayloads().find((p) => p.op === 2)!;
  assert.equal(
    (identify.d as { presence: { activities: { name: string }[] } }).presence
      .activities[0]!.name,
    "p1000",
    "IDENTIFY carries the latest presence",
  );
  // Sent at Discord's pace: the first ones go out, making room again.
  await h.scheduler.advance(1_000);
  const sent = h.socket().sentPayloads().filter((p) => p.op === 4).length;
  assert.ok(sent > 0 && sent < 1_000, `${sent} sent`);
  const again = h.shard.send(leaveVoice);
  await h.shard.close();
  await Promise.allSettled([...waiting, ...presences, again]);
  assert.equal(
    (await again.then(() => undefined, (e) => e) as GatewayError).kind,
    "shard_closed",
    "queued (then rejected by the close), not refused",
  );
});
