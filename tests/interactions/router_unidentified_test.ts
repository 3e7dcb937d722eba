// An interaction that does not say who used it (neither `user` nor
// `member.user`, or a `member` that is no object) is malformed: refused as
// options_mismatch before any handler typed by a User runs, and a click of
// that kind never rejects the waiters for a user.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import { awaitedMatch } from "../../interactions/_routing.ts";
import type { ComponentInteraction } from "../../interactions/routed_interaction.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const ping = command({ name: "ping", description: "Ping" });

Deno.test("a signed command without a user (no user, no member.user, a member that is no object, a user without an id) is options_mismatch: its handler never runs", async () => {
  const { signer, router, handler, kinds, errors } = await endpointHarness();
  const users: unknown[] = [];
  router.command(ping, (i, ctx) => {
    users.push(i.user);
    return ctx.respond("pong");
  });
  const rows: [string, Record<string, unknown>, RegExp][] = [
    ["no user", { user: undefined }, /without its user/],
    ["member x, no user", { user: undefined, member: "x" }, /member is not/],
    ["member x beside a user", { member: "x" }, /member is not an object/],
    ["member without user", { user: undefined, member: { roles: [] } }, /user/],
    ["user without id", { user: { username: "u" } }, /without its user/],
    ["member.user null", { user: undefined, member: { user: null } }, /user/],
  ];
  let id = 10;
  for (const [label, fields, why] of rows) {
    const before = errors.length;
    const answer = await handler(
      await signer.request(commandInteraction({ id: String(id++), ...fields })),
    );
    // Answered as a stale one (staleReply), as every options_mismatch is.
    assert.equal(answer.status, 200, label);
    await answer.body?.cancel();
    assert.deepEqual(kinds.slice(before), ["options_mismatch"], label);
    assert.match(errors.at(-1)!.message, /^command \/ping: /, label);
    assert.match(errors.at(-1)!.message, why, label);
  }
  assert.deepEqual(users, [], "no handler ran");

  // A guild command (member.user, no user) and a DM one (user) still run.
  for (
    const fields of [{ user: undefined, member: { user: { id: "3" } } }, {}]
  ) {
    const answer = await handler(
      await signer.request(commandInteraction({ id: String(id++), ...fields })),
    );
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
  }
  assert.deepEqual(users.map((u) => (u as { id: string }).id), ["3", "2"]);
});

Deno.test("a click from nobody (no user, no member) does not reject a waiter for a user, which still gets that user's click", async () => {
  const scheduler = new VirtualScheduler();
  const { signer, router, handler, kinds } = await endpointHarness({
    scheduler,
  });
  router.button("b:{x}", (_, ctx) => ctx.update("routed"));
  const message = {
    id: "5",
    channel_id: "1",
    content: "",
    author: { id: "1", username: "a" },
    attachments: [],
    embeds: [],
    components: [],
  };
  const click = (id: string, fields: Record<string, unknown> = {}): unknown =>
    commandInteraction({
      id,
      type: 3,
      message,
      data: { custom_id: "b:1", component_type: 2 },
      ...fields,
    });
  let outcome = "waiting";
  const wait = router.awaitComponent({
    userId: "2",
    messageId: "5",
    timeout: 10_000,
  });
  wait.then(() => outcome = "resolved", (e) => outcome = `rejected: ${e}`);

  for (
    const [id, fields] of [["20", { user: undefined }], ["21", {
      member: "x",
    }]] as const
  ) {
    const answer = await handler(await signer.request(click(id, fields)));
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
  }
  await scheduler.flushMicrotasks();
  assert.equal(outcome, "waiting");
  assert.deepEqual(kinds, ["options_mismatch", "options_mismatch"]);

  const answered = handler(await signer.request(click("22")));
  const { interaction, ctx } = await wait;
  assert.equal(interaction.user.id, "2");
  await ctx.update("taken");
  const answer = await answered;
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), {
    type: 7,
    data: { content: "taken" },
  });
});

Deno.test("awaitedMatch: a click without a user does not match a waiter for a user, and does not throw", () => {
  const click = {
    customId: "b:1",
    params: {},
    user: undefined,
    message: { id: "5" },
  } as unknown as ComponentInteraction;
  assert.equal(awaitedMatch(click, undefined, { userId: "2" }), undefined);
  assert.equal(awaitedMatch(click, undefined, {}), click);
});
