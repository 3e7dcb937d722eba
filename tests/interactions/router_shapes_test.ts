// What reaches a handler has the shape its type promises: context-menu
// targets, component values, modal components and autocomplete values that
// break Discord's documented shape are options_mismatch, and an awaited
// component gets its pattern's parameters and the same 3 s watch as a route.
import assert from "node:assert/strict";
import {
  command,
  messageCommand,
  string,
  subcommand,
  subcommandGroup,
  user,
  userCommand,
} from "../../interactions/commands.ts";
import { customId } from "../../interactions/custom_id.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { ModalFields } from "../../interactions/modal_fields.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  commandInteraction,
  INTERACTION_USER,
} from "../_fakes/interactions.ts";

const USER = INTERACTION_USER;

/** An interaction of `type` with `data`, from user 2. */
function interaction(
  type: number,
  data: unknown,
  extra: Record<string, unknown> = {},
): Interaction {
  return commandInteraction({
    id: "7",
    application_id: "1",
    type,
    token: "t",
    data,
    ...extra,
  });
}

/** A router whose errors are collected, and a way to hand it interactions. */
function harness(clock = new VirtualScheduler()): {
  router: InteractionRouter;
  errors: InteractionError[];
  answers: unknown[];
  handle: (i: Interaction) => Promise<boolean>;
} {
  const errors: InteractionError[] = [];
  const answers: unknown[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => {
      errors.push(error);
    },
  });
  return {
    router,
    errors,
    answers,
    handle: (i) =>
      router.handle(i, {
        rest: undefined as never,
        respond: (body) => {
          answers.push(body);
          return Promise.resolve();
        },
      }),
  };
}

Deno.test("awaitComponent hands the waiter (and its filter) the pattern's parameters; the routes keep their own", async () => {
  const clock = new VirtualScheduler();
  const { router, handle } = harness(clock);
  const routed: Record<string, string>[] = [];
  router.button("vote:{choice}", (i, ctx) => {
    routed.push({ ...i.params });
    return ctx.deferUpdate();
  });
  const seen: string[] = [];
  const waiting = router.awaitComponent({
    customId: "vote:{choice}",
    filter: (i) => {
      seen.push(i.params.choice);
      return i.params.choice !== "no";
    },
  });
  const click = (customId: string): Interaction =>
    interaction(3, { custom_id: customId, component_type: 2 }, {
      message: { id: "5" },
    });
  // The filter refuses it: the route gets it, with its own parameters.
  assert.equal(await handle(click("vote:no")), true);
  assert.deepEqual(routed, [{ choice: "no" }]);
  assert.equal(await handle(click("vote:yes")), true);
  const { interaction: taken, ctx } = await waiting;
  const choice: string = taken.params.choice;
  assert.equal(choice, "yes");
  assert.deepEqual(seen, ["no", "yes"]);
  assert.equal(routed.length, 1);
  await ctx.deferUpdate();
  await clock.advance(3000);
  assert.equal(clock.pending, 0);
});

Deno.test("an awaited component left unanswered is reported as not_answered at the deadline, as a routed one is", async () => {
  const clock = new VirtualScheduler();
  const { router, errors, handle } = harness(clock);
  const waiting = router.awaitComponent({ customId: "go" });
  await handle(
    interaction(3, { custom_id: "go", component_type: 2 }, {
      message: { id: "5" },
    }),
  );
  await waiting; // and never answered
  await clock.advance(2999);
  assert.equal(errors.length, 0);
  await clock.advance(1);
  assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
  assert.equal(errors[0]!.interaction, "'go' (awaited)");
  assert.match(errors[0]!.message, /was not answered within 3000 ms/);
  assert.equal(clock.pending, 0);
});

Deno.test("a context-menu target Discord did not resolve is options_mismatch, not undefined (nor Object.prototype's members)", async () => {
  const { router, errors, handle } = harness();
  const inspect = userCommand({ name: "Inspect" });
  const quote = messageCommand({ name: "Quote" });
  const targets: unknown[] = [];
  router
    .command(inspect, (i, ctx) => {
      targets.push(i.target.user.username);
      return ctx.respond("ok");
    })
    .command(quote, (i, ctx) => {
      targets.push(i.target.content);
      return ctx.respond("ok");
    });
  const menu = (type: 2 | 3, name: string, extra: object): Interaction =>
    interaction(2, { id: "9", name, type, ...extra });
  const bad = [
    menu(2, "Inspect", { target_id: "3" }),
    menu(2, "Inspect", { target_id: "3", resolved: { members: { 3: {} } } }),
    menu(2, "Inspect", { target_id: "constructor", resolved: { users: {} } }),
    menu(2, "Inspect", { resolved: { users: { 3: USER } } }),
    menu(3, "Quote", { target_id: "4", resolved: { users: { 4: USER } } }),
    menu(3, "Quote", { target_id: "4", resolved: { messages: { 4: "hi" } } }),
  ];
  for (const each of bad) await handle(each);
  assert.deepEqual(
    errors.map((e) => e.kind),
    Array(6).fill("options_mismatch"),
  );
  assert.match(errors[0]!.message, /\/Inspect: target user 3 is not resolved/);
  assert.match(errors[3]!.message, /no target_id/);
  assert.match(errors[4]!.message, /target message 4 is not resolved/);
  assert.deepEqual(targets, []);

  await handle(menu(2, "Inspect", {
    target_id: "3",
    resolved: { users: { 3: { ...USER, id: "3", username: "ada" } } },
  }));
  await handle(menu(3, "Quote", {
    target_id: "4",
    resolved: {
      messages: { 4: { id: "4", channel_id: "5", content: "hello" } },
    },
  }));
  // A message without its channel is not the documented message object.
  await handle(menu(3, "Quote", {
    target_id: "4",
    resolved: { messages: { 4: { id: "4", content: "hello" } } },
  }));
  assert.deepEqual(targets, ["ada", "hello"]);
  assert.equal(errors.length, 7);
});

Deno.test("a slash option's ID is looked up among the resolved data's own entries only", async () => {
  const { router, errors, handle } = harness();
  const greet = command({
    name: "greet",
    description: "Greet",
    options: { who: user({ description: "Who", required: true }) },
  });
  const ran: unknown[] = [];
  router.command(greet, (i, ctx) => {
    ran.push(i.options.who.user);
    return ctx.respond("ok");
  });
  await handle(interaction(2, {
    id: "9",
    name: "greet",
    type: 1,
    options: [{ name: "who", type: 6, value: "constructor" }],
    resolved: { users: {} },
  }));
  assert.deepEqual(ran, []);
  assert.equal(errors[0]?.kind, "options_mismatch");
  assert.match(errors[0]!.message, /user constructor is not resolved/);
});

Deno.test("component values, a click without its message and modal components of the wrong shape are options_mismatch before any handler runs", async () => {
  const { router, errors, handle } = harness();
  const ran: string[] = [];
  router
    .select("pick", (i, ctx) => {
      ran.push(i.values.join(","));
      return ctx.deferUpdate();
    })
    .button("press", (_, ctx) => {
      ran.push("press");
      return ctx.deferUpdate();
    })
    .modal("form", (i, ctx) => {
      ran.push(`form:${i.fields.values("tags").join(",")}`);
      return ctx.respond("ok");
    });
  const select = (values: unknown): Interaction =>
    interaction(3, { custom_id: "pick", component_type: 3, values }, {
      message: { id: "5" },
    });
  await handle(select([1, 2]));
  await handle(select("red"));
  await handle(select([{ toString: () => "x" }]));
  await handle(interaction(3, { custom_id: "press", component_type: 2 }));
  await handle(interaction(5, { custom_id: "form", components: { 0: {} } }));
  assert.deepEqual(
    errors.map((e) => e.kind),
    Array(5).fill("options_mismatch"),
  );
  assert.match(
    errors[0]!.message,
    /'pick': its values are not a list of strings/,
  );
  assert.match(errors[3]!.message, /'press': it came without its message/);
  assert.match(errors[4]!.message, /'form': its components are not a list/);
  assert.deepEqual(ran, []);

  await handle(select(["red", "blue"]));
  // A select inside the modal whose values are not strings: the handler
  // gets the strings only (its type is string[]).
  await handle(interaction(5, {
    custom_id: "form",
    components: [{
      type: 18,
      component: { type: 3, custom_id: "tags", values: ["a", 7, "b"] },
    }],
  }));
  assert.deepEqual(ran, ["red,blue", "form:a,b"]);
  assert.equal(errors.length, 5);
});

Deno.test("ModalFields.values never spreads a string into characters or throws on a number", () => {
  const fields = new ModalFields([
    { type: 3, custom_id: "s", values: "abc" },
    { type: 3, custom_id: "n", values: 5 },
  ] as never);
  assert.deepEqual(fields.values("s"), []);
  assert.deepEqual(fields.values("n"), []);
});

Deno.test("autocomplete hands the handler raw values only: an object the peer sent is left out, and a focused one reads as empty", async () => {
  const { router, errors, handle } = harness();
  const find = command({
    name: "find",
    description: "Find",
    options: {
      q: string({ description: "Query", autocomplete: true }),
      tag: string({ description: "Tag" }),
    },
  });
  const seen: unknown[] = [];
  router.autocomplete(find, "q", (i, ctx) => {
    seen.push(i.focused.value, { ...i.options });
    return ctx.autocomplete([]);
  });
  await handle(interaction(4, {
    id: "9",
    name: "find",
    type: 1,
    options: [
      { name: "q", type: 3, value: { toString: null }, focused: true },
      { name: "tag", type: 3, value: ["x"] },
    ],
  }));
  assert.deepEqual(errors, []);
  assert.deepEqual(seen, ["", {}]);
});

Deno.test("autocomplete with two options in focus is options_mismatch: the handler was picked from the last and its choices checked against the first", async () => {
  const { router, errors, handle } = harness();
  const find = command({
    name: "find",
    description: "Find",
    options: {
      q: string({ description: "Query", autocomplete: true }),
      tag: string({ description: "Tag", autocomplete: true }),
    },
  });
  const ran: string[] = [];
  for (const name of ["q", "tag"] as const) {
    router.autocomplete(find, name, (_, ctx) => {
      ran.push(name);
      return ctx.autocomplete([]);
    });
  }
  const focusing = (focused: unknown[]) =>
    interaction(4, {
      id: "9",
      name: "find",
      type: 1,
      options: [
        { name: "q", type: 3, value: "a", focused: focused[0] },
        { name: "tag", type: 3, value: "b", focused: focused[1] },
      ],
    });
  await handle(focusing([true, true]));
  assert.deepEqual(ran, []);
  assert.equal(errors[0]?.kind, "options_mismatch");
  assert.match(errors[0]!.message, /more than one option has focus/);
  // Focus is `true`, as the choices' check reads it: not any truthy value.
  await handle(focusing([1, true]));
  assert.deepEqual(ran, ["tag"]);
  assert.equal(errors.length, 1);
});

Deno.test("a value built into a custom id reaches its own route decoded, never a route whose punctuation it holds; awaitComponent decodes alike; a malformed escape routes nowhere", async () => {
  const { router, errors, handle } = harness();
  const ran: string[] = [];
  router
    .button("tag:{name}:delete", (i, ctx) => {
      ran.push(`delete ${i.params.name}`);
      return ctx.deferUpdate();
    })
    .button("tag:{name}", (i, ctx) => {
      ran.push(`show ${i.params.name}`);
      return ctx.deferUpdate();
    });
  const click = (customId: string): Interaction =>
    interaction(3, { custom_id: customId, component_type: 2 }, {
      message: { id: "5" },
    });
  // A user-chosen tag name "rules:delete" used to build "tag:rules:delete".
  assert.equal(
    await handle(click(customId("tag:{name}", { name: "rules:delete" }))),
    true,
  );
  assert.equal(
    await handle(click(customId("tag:{name}:delete", { name: "a:b" }))),
    true,
  );
  assert.deepEqual(ran, ["show rules:delete", "delete a:b"]);

  const waiting = router.awaitComponent({ customId: "vote:{choice}" });
  await handle(click(customId("vote:{choice}", { choice: "50% / yes" })));
  assert.equal((await waiting).interaction.params.choice, "50% / yes");

  // An id made elsewhere with a '%' that starts no escape: no route, and
  // routing goes on (a warning, no throw).
  let routed: boolean | undefined;
  const lines = await captureStderr(async () => {
    routed = await handle(click("tag:50%"));
  });
  assert.equal(routed, false);
  assert.match(lines.join("\n"), /No route for component 'tag:50%'/);
  assert.equal(ran.length, 2);
  assert.deepEqual(errors, []);
});

Deno.test("options that are not a list of options (an object, null entries), in a command or autocomplete, are options_mismatch, not a TypeError", async () => {
  const { router, errors, handle } = harness();
  const find = command({
    name: "find",
    description: "Find",
    options: { q: string({ description: "Query", autocomplete: true }) },
  });
  const ran: unknown[] = [];
  router.command(find, (i, ctx) => {
    ran.push(i.options);
    return ctx.respond("ok");
  });
  router.autocomplete(find, "q", (i, ctx) => {
    ran.push(i.focused);
    return ctx.autocomplete([]);
  });
  const bad: unknown[] = [
    { q: "x" },
    [null],
    [{ name: "q", type: 3, value: "x" }, 5],
    null,
  ];
  for (const options of bad) {
    await handle(interaction(2, { id: "9", name: "find", type: 1, options }));
    await handle(interaction(4, { id: "9", name: "find", type: 1, options }));
  }
  // Inside a subcommand group's list as well.
  router.command(
    command({
      name: "grp",
      description: "Group",
      options: {
        g: subcommandGroup({
          description: "G",
          options: { s: subcommand({ description: "S" }) },
        }),
      },
    }),
    (_, ctx) => ctx.respond("ok"),
  );
  await handle(interaction(2, {
    id: "9",
    name: "grp",
    type: 1,
    options: [{ name: "g", type: 2, options: { s: 1 } }],
  }));
  assert.deepEqual(
    errors.map((e) => e.kind),
    Array(bad.length * 2 + 1).fill("options_mismatch"),
  );
  assert.match(errors[0]!.message, /\/find: its options are not a list/);
  assert.match(
    errors[1]!.message,
    /\/find autocomplete: its options are not a list/,
  );
  assert.match(errors.at(-1)!.message, /\/grp: its options are not a list/);
  assert.deepEqual(ran, []);
});

Deno.test("a command name or custom id String() cannot convert ({toString: 0}) is reported to onError at once, handle() resolves, and the endpoint is told", async () => {
  const clock = new VirtualScheduler();
  const { router, errors } = harness(clock);
  const ran: string[] = [];
  router
    .command(command({ name: "ok", description: "Ok" }), (_, ctx) => {
      ran.push("ok");
      return ctx.respond("ok");
    })
    .button("b", (_, ctx) => ctx.deferUpdate())
    .modal("m", (_, ctx) => ctx.respond("ok"));
  const hostile = { toString: 0 };
  const payloads: [string, Interaction][] = [
    ["command", interaction(2, { id: "9", type: 1, name: hostile })],
    [
      "autocomplete",
      interaction(4, {
        id: "9",
        type: 1,
        name: hostile,
        options: [{ name: "q", type: 3, value: "x", focused: true }],
      }),
    ],
    [
      "button",
      interaction(3, { component_type: 2, custom_id: hostile }, {
        message: { id: "5" },
      }),
    ],
    ["modal", interaction(5, { custom_id: hostile, components: [] })],
  ];
  const failed: string[] = [];
  for (const [what, payload] of payloads) {
    const routed = await router.handle(payload, {
      rest: undefined as never,
      respond: () => Promise.resolve(),
      failed: (error) => void failed.push(`${what}: ${error.kind}`),
    });
    assert.equal(routed, true, what);
  }
  assert.deepEqual(failed, [
    "command: handler_failed",
    "autocomplete: handler_failed",
    "button: handler_failed",
    "modal: handler_failed",
  ]);
  assert.deepEqual(
    errors.map((e) => e.message.replace(/:.*/, "")),
    [
      "command /object could not be routed",
      "autocomplete of 'q' in /object could not be routed",
      "component 'object' could not be routed",
      "modal 'object' could not be routed",
    ],
  );
  assert.deepEqual(ran, []);
  assert.equal(clock.now(), 0, "reported at once, not at the deadline");
});
