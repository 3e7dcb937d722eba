import assert from "node:assert/strict";
import { closeAction, closePolicy } from "../../gateway/shard_state.ts";
import {
  GATEWAY_URL,
  hello,
  IDENTIFY_SPACING,
  readyHarness,
  RESUME_URL,
  sentOps,
} from "../_fakes/shard_harness.ts";

type Expected =
  | { action: "resume" }
  | { action: "new_session" }
  | { action: "fatal"; kind: string; hint: RegExp };

// Every documented close code, the legacy 4006, the server's own 1000/1001,
// a close without a code (1005) and a dropped connection (1006).
const ROWS: [number, Expected][] = [
  [1000, { action: "resume" }],
  [1001, { action: "resume" }],
  [1005, { action: "resume" }],
  [1006, { action: "resume" }],
  [4000, { action: "resume" }],
  [4001, { action: "resume" }],
  [4002, { action: "resume" }],
  [4003, { action: "new_session" }],
  [4004, { action: "fatal", kind: "authentication_failed", hint: /token/ }],
  [4005, { action: "resume" }],
  [4006, { action: "resume" }],
  [4007, { action: "new_session" }],
  [4008, { action: "resume" }],
  [4009, { action: "new_session" }],
  [4010, { action: "fatal", kind: "invalid_shard", hint: /shardCount/ }],
  [4011, { action: "fatal", kind: "sharding_required", hint: /more shards/ }],
  [4012, { action: "fatal", kind: "invalid_api_version", hint: /version 10/ }],
  [4013, { action: "fatal", kind: "invalid_intents", hint: /GatewayIntent/ }],
  [4014, {
    action: "fatal",
    kind: "disallowed_intents",
    hint: /Developer Portal/,
  }],
];

Deno.test("closeAction follows the policy table", async (t) => {
  for (const [code, expected] of ROWS) {
    await t.step(`${code} -> ${expected.action}`, () => {
      assert.equal(closeAction(code), expected.action);
    });
  }
});

Deno.test("closePolicy gives every fatal code its error in the same row", () => {
  for (const [code, expected] of ROWS) {
    const policy = closePolicy(code);
    assert.equal(policy.action, expected.action, `${code}`);
    if (policy.action === "fatal" && expected.action === "fatal") {
      assert.equal(policy.kind, expected.kind);
      assert.match(policy.message, expected.hint);
    }
  }
});

Deno.test("Shard reacts to each close code as the table says", async (t) => {
  for (const [code, expected] of ROWS) {
    await t.step(`server closes with ${code}`, async () => {
      const h = await readyHarness();
      const first = h.socket();
      if (code === 1006) first.drop();
      else first.serverClose(code);
      await h.scheduler.advance(0);
      if (expected.action === "fatal") {
        assert.equal(h.shard.status, "closed");
        assert.equal(h.errors.length, 1);
        assert.equal(h.errors[0]!.kind, expected.kind);
        assert.equal(h.errors[0]!.closeCode, code);
        assert.match(h.errors[0]!.message, expected.hint);
        // Nothing left to resume: a connect() after the fix identifies.
        assert.equal(h.shard.session, undefined);
        await h.scheduler.advance(120_000);
        assert.equal(
          h.transport.sockets.length,
          1,
          "no reconnect after a fatal code",
        );
        assert.equal(h.scheduler.pending, 0);
        return;
      }
      assert.equal(
        h.transport.sockets.length,
        2,
        "reconnects at once after a ready session",
      );
      const second = h.socket();
      hello(second);
      await h.settle();
      if (expected.action === "resume") {
        assert.equal(second.url, `${RESUME_URL}/?v=10&encoding=json`);
        assert.deepEqual(sentOps(second), [6]);
      } else {
        assert.equal(second.url, `${GATEWAY_URL}/?v=10&encoding=json`);
        // The identify queue spaces IDENTIFYs 5 s (and its margin) apart.
        assert.deepEqual(sentOps(second), []);
        await h.scheduler.advance(IDENTIFY_SPACING);
        assert.deepEqual(sentOps(second), [2]);
        assert.equal(h.shard.sessionId, undefined);
      }
      await h.shard.close();
      assert.equal(h.scheduler.pending, 0);
    });
  }
});

Deno.test("A fatal close rejects a pending connect() with the typed error", async () => {
  const { createHarness } = await import("../_fakes/shard_harness.ts");
  const h = createHarness();
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  h.socket().serverClose(4014);
  await assert.rejects(
    connected,
    (error: Error & { kind?: string }) => error.kind === "disallowed_intents",
  );
});

Deno.test("A 4014 names the privileged intents the shard asked for, as the Developer Portal names them, and no other", async () => {
  const { createHarness } = await import("../_fakes/shard_harness.ts");
  const { GatewayIntent } = await import("../../types/intents.ts");
  const h = createHarness({
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers |
      GatewayIntent.MessageContent,
  });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  h.socket().serverClose(4014);
  const error = await connected.then(
    () => assert.fail("connect() resolved after a 4014"),
    (e: Error) => e,
  );
  assert.match(error.message, /Server Members Intent \(GuildMembers\)/);
  assert.match(error.message, /Message Content Intent \(MessageContent\)/);
  assert.doesNotMatch(error.message, /Presence/);
  // Without intents to go by, the table's sentence names all three.
  const plain = closePolicy(4014);
  assert.ok(plain.action === "fatal" && /GUILD_PRESENCES/.test(plain.message));
});
