// What a router refuses to do twice or to guess: attaching it again to the
// same source ran every handler twice (the second answer failing as
// already acknowledged); a click of a missing or unknown component type
// went to a select route; a resolved object filed under another id was
// taken as the one the option names.
import assert from "node:assert/strict";
import {
  command,
  messageCommand,
  role,
  user,
} from "../../interactions/commands.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { readOptions } from "../../interactions/option_values.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import type {
  ApplicationCommandInteractionData,
  Interaction,
} from "../../types/objects/interaction.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  commandInteraction,
  INTERACTION_USER,
} from "../_fakes/interactions.ts";

/** A click of component type `componentType` (absent when undefined). */
function click(componentType: unknown): Interaction {
  return {
    id: "50",
    application_id: "1",
    type: 3,
    token: "tok",
    version: 1,
    data: {
      custom_id: "pick",
      ...(componentType === undefined ? {} : { component_type: componentType }),
    },
    message: { id: "5", channel_id: "1" },
    user: { ...INTERACTION_USER },
  } as unknown as Interaction;
}

const ANSWER = { rest: undefined as never, respond: () => Promise.resolve() };

Deno.test("attaching a router twice to one source routes each interaction once and returns the same detach; after detaching it attaches anew", () => {
  const listeners = new Set<(i: Interaction, ctx: never) => unknown>();
  let subscribed = 0;
  const source = {
    on(
      _: "INTERACTION_CREATE",
      listener: (i: Interaction, ctx: never) => unknown,
    ): () => void {
      subscribed++;
      const entry = (i: Interaction, ctx: never): unknown => listener(i, ctx);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
  };
  const ping = command({ name: "ping", description: "Ping" });
  const ran: string[] = [];
  // Unanswered on a virtual clock: no answer to fake, no timer left.
  const router = new InteractionRouter({
    scheduler: new VirtualScheduler(),
    onError: () => {},
  }).command(ping, () => void ran.push("ping"));
  const detach = router.attach(source);
  assert.equal(router.attach(source), detach);
  assert.equal(subscribed, 2, "the second attach subscribed nothing");
  // The route's handler runs as the listener is called.
  for (const listener of [...listeners]) {
    listener(commandInteraction(), { rest: undefined } as never);
  }
  assert.deepEqual(ran, ["ping"]);

  detach();
  assert.equal(listeners.size, 0);
  const again = router.attach(source);
  assert.notEqual(again, detach);
  assert.equal(listeners.size, 2);
  // The old detach does not detach the new attach.
  detach();
  assert.equal(listeners.size, 2);
  again();
  assert.equal(listeners.size, 0);
});

Deno.test("a click whose component type is missing or not a select's (3, 5-8) goes to no select route; buttons and selects still route", async () => {
  const ran: string[] = [];
  const router = new InteractionRouter()
    .button("pick", (_, ctx) => (ran.push("button"), ctx.deferUpdate()))
    .select("pick", (_, ctx) => (ran.push("select"), ctx.deferUpdate()));
  const types = [undefined, null, 1, 4, 9, 4.5, "3"];
  const lines = await captureStderr(async () => {
    for (const type of types) {
      assert.equal(await router.handle(click(type), ANSWER), false, `${type}`);
    }
  });
  assert.deepEqual(ran, []);
  // Said as for any interaction without a route.
  assert.equal(lines.length, types.length);
  for (const line of lines) assert.match(line, /No route for component 'pick'/);
  for (const type of [2, 3, 5, 6, 7, 8]) {
    assert.equal(await router.handle(click(type), ANSWER), true, `${type}`);
  }
  assert.deepEqual(ran, [
    "button",
    "select",
    "select",
    "select",
    "select",
    "select",
  ]);
});

Deno.test("a resolved user, role or message filed under another id than its own is options_mismatch, not the object the option names", async () => {
  const profile = command({
    name: "p",
    description: "d",
    options: { who: user({ description: "d" }), r: role({ description: "d" }) },
  });
  const read = (options: unknown[], resolved: unknown): unknown =>
    readOptions(profile.name, profile.options, {
      id: "1",
      name: "p",
      type: 1,
      options,
      resolved,
    } as unknown as ApplicationCommandInteractionData).options;
  const mismatch = (error: unknown): boolean =>
    error instanceof InteractionError && error.kind === "options_mismatch";
  const admin = { ...INTERACTION_USER, id: "1", username: "admin" };
  const who = [{ name: "who", type: 6, value: "7" }];
  assert.throws(() => read(who, { users: { 7: admin } }), mismatch);
  const ada = { ...INTERACTION_USER, id: "7", username: "ada" };
  assert.deepEqual(read(who, { users: { 7: ada } }), {
    who: { id: "7", user: ada, member: undefined },
  });
  // Members carry no id: keyed by their user's.
  const member = { roles: [] };
  assert.deepEqual(read(who, { users: { 7: ada }, members: { 7: member } }), {
    who: { id: "7", user: ada, member },
  });
  const r = [{ name: "r", type: 8, value: "8" }];
  assert.throws(
    () => read(r, { roles: { 8: { id: "9", name: "admins" } } }),
    mismatch,
  );

  const quote = messageCommand({ name: "Quote" });
  const errors: string[] = [];
  const quoted: unknown[] = [];
  const router = new InteractionRouter({
    onError: (error) => void errors.push(error.kind),
  }).command(quote, (i) => void quoted.push(i.target));
  await router.handle(
    commandInteraction({
      data: {
        id: "9",
        name: "Quote",
        type: 3,
        target_id: "4",
        resolved: { messages: { 4: { id: "3", channel_id: "1" } } },
      },
    }),
    ANSWER,
  );
  assert.deepEqual(quoted, []);
  assert.deepEqual(errors, ["options_mismatch"]);
});
