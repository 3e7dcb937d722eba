import assert from "node:assert/strict";
import {
  command,
  integer,
  messageCommand,
  string,
  subcommand,
  subcommandGroup,
  userCommand,
} from "../../interactions/commands.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { delay } from "../../base/scheduler.ts";
import { syncCommands } from "../../interactions/sync.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import {
  button,
  channelSelect,
  row,
  stringSelect,
  userSelect,
} from "../../interactions/components.ts";
import {
  fileUpload,
  label,
  modal,
} from "../../interactions/modal_components.ts";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { awaitMessage } from "../../interactions/await_message.ts";
import { compileCustomId, customId } from "../../interactions/custom_id.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

const tags = command({
  name: "tags",
  description: "Tags",
  options: {
    add: subcommand({
      description: "Add",
      options: { name: string({ description: "n", required: true }) },
    }),
    admin: subcommandGroup({
      description: "Admin",
      options: {
        purge: subcommand({
          description: "Purge",
          options: { days: integer({ description: "d", required: true }) },
        }),
      },
    }),
  },
});

/** Collects reported errors; `count(n)` resolves once n arrived. */
function errorSink(): {
  errors: InteractionError[];
  onError: (error: InteractionError) => void;
  count: (n: number) => Promise<void>;
} {
  const errors: InteractionError[] = [];
  const waiters: [number, () => void][] = [];
  return {
    errors,
    onError: (error) => {
      errors.push(error);
      for (const [n, resolve] of waiters) if (errors.length >= n) resolve();
    },
    count: (n) =>
      errors.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push([n, resolve])),
  };
}

async function start(
  router: InteractionRouter,
  scheduler?: VirtualScheduler,
): Promise<{ discord: FakeDiscord; client: Client }> {
  const discord = await FakeDiscord.start(scheduler ? { scheduler } : {});
  const client = new Client({
    token: discord.token,
    intents: 1 | 512 | 32768,
    ...discord.clientOptions,
  });
  router.attach(client);
  await client.start();
  // Registered as a bot does, so that each command is one a user could run.
  await syncCommands(client.rest, router.commands);
  return { discord, client };
}

Deno.test("router: subcommands and groups reach the handler with typed values", async () => {
  const seen: string[] = [];
  const router = new InteractionRouter().command(tags, (i, ctx) => {
    switch (i.subcommand.name) {
      case "add":
        seen.push(`add ${i.subcommand.options.name}`);
        break;
      case "admin purge":
        seen.push(`purge ${i.subcommand.options.days + 1}`);
        break;
    }
    return ctx.respond({ content: "ok", ephemeral: true });
  });
  const { discord, client } = await start(router);
  try {
    await discord.runCommand(tags, {
      subcommand: "add",
      options: { name: "x" },
    });
    const r = await discord.runCommand(tags, {
      subcommand: "admin purge",
      options: { days: 6 },
    });
    assert.deepEqual(r.body, { type: 4, data: { content: "ok", flags: 64 } });
    assert.deepEqual(seen, ["add x", "purge 7"]);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router: context-menu commands get their target", async () => {
  const inspect = userCommand({ name: "Inspect" });
  const quote = messageCommand({ name: "Quote" });
  const router = new InteractionRouter()
    .command(inspect, (i, ctx) => ctx.respond(`user ${i.target.user.username}`))
    .command(quote, (i, ctx) => ctx.respond(`> ${i.target.content}`));
  const { discord, client } = await start(router);
  try {
    const a = await discord.runUserCommand(inspect, discord.user);
    assert.equal(a.body.data?.content, "user tester");
    const message = discord.postMessage("hello world");
    const b = await discord.runMessageCommand(quote, message);
    assert.equal(b.body.data?.content, "> hello world");
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router: a handler that does not answer in 3 s is reported with the command's name", async () => {
  const clock = new VirtualScheduler();
  const errors: InteractionError[] = [];
  const slow = command({ name: "slow", description: "Slow" });
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => {
      errors.push(error);
    },
  }).command(slow, async (_, ctx) => {
    await new Promise<void>((resolve) =>
      clock.setTimeout(() => resolve(), 5000)
    );
    await ctx.respond("late");
  });
  const interaction = commandInteraction({
    id: "1",
    application_id: "1",
    token: "t",
    name: "slow",
  });
  const responses: unknown[] = [];
  const handled = router.handle(interaction, {
    rest: undefined as never,
    respond: (body) => {
      responses.push(body);
      return Promise.resolve();
    },
  });
  await clock.advance(2999);
  assert.equal(errors.length, 0);
  await clock.advance(1);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.kind, "not_answered");
  assert.equal(errors[0]!.interaction, "/slow");
  assert.match(errors[0]!.message, /\/slow was not answered within 3000 ms/);
  await clock.advance(2000);
  await handled;
  // The late answer is refused before sending: Discord dropped it at 3 s.
  assert.equal(responses.length, 0);
  assert.deepEqual(errors.map((e) => e.kind), [
    "not_answered",
    "token_expired",
  ]);
  assert.equal(errors[1]!.interaction, "/slow");
  assert.equal(clock.pending, 0);
});

Deno.test("router: a throwing handler, a second answer and unknown interactions are reported", async () => {
  const { errors, onError, count } = errorSink();
  const boom = command({ name: "boom", description: "Boom" });
  const twice = command({ name: "twice", description: "Twice" });
  const router = new InteractionRouter({ onError })
    .command(boom, () => {
      throw new Error("kaput");
    })
    .command(twice, async (_, ctx) => {
      await ctx.respond("one");
      await ctx.respond("two");
    });
  const { discord, client } = await start(router);
  try {
    await discord.runCommand(twice, {});
    // boom never answers; the fake's wait times out, but the error is reported first.
    const pending = discord.runCommand(boom, {}).catch(() => {});
    await count(2);
    assert.deepEqual(errors.map((e) => e.kind).sort(), [
      "already_answered",
      "handler_failed",
    ]);
    const twiceError = errors.find((e) => e.kind === "already_answered")!;
    assert.equal(twiceError.interaction, "/twice");
    const boomError = errors.find((e) => e.kind === "handler_failed")!;
    assert.equal(boomError.interaction, "/boom");
    assert.match(boomError.message, /kaput/);
    assert.equal(
      await router.handle(
        {
          id: "1",
          type: 3,
          data: { custom_id: "zzz", component_type: 2 },
          message: { id: "1" },
          user: { id: "2", username: "u" },
        } as never,
        {
          rest: client.rest,
        },
      ),
      false,
    );
    await discord.close();
    await pending;
  } finally {
    await client.stop();
  }
});

Deno.test("router: awaitComponent takes the next matching click, times out, aborts and cleans up", async () => {
  const clock = new VirtualScheduler();
  const ask = command({ name: "ask", description: "Ask" });
  let result = "";
  const router = new InteractionRouter({ scheduler: clock });
  router.command(ask, async (i, ctx) => {
    await ctx.respond({
      content: "Sure?",
      components: [
        row(
          button({ id: "yes", label: "Yes" }),
          button({ id: "no", label: "No" }),
        ),
      ],
    });
    try {
      const click = await router.awaitComponent({
        userId: i.user.id,
        customId: "yes",
        timeout: 10_000,
      });
      result = "yes";
      await click.ctx.update({ content: "Done", components: [] });
    } catch (error) {
      result = (error as Error).name;
    }
  }).button("no", (_, ctx) => ctx.update("routed normally"));
  const { discord, client } = await start(router, clock);
  try {
    const asked = discord.runCommand(ask, {});
    await clock.advance(0);
    await asked;
    const [message] = discord.rest.messages(discord.channelId);
    // "no" does not match the waiter: it goes to its route.
    const no = discord.click(message!, "no");
    await clock.advance(0);
    assert.equal((await no).body.data?.content, "routed normally");
    const yes = discord.click(message!, "yes");
    await clock.advance(0);
    assert.equal((await yes).body.data?.content, "Done");
    assert.equal(result, "yes");

    const again = discord.runCommand(ask, {});
    await clock.advance(0);
    await again;
    await clock.advance(10_000);
    assert.equal(result, "TimeoutError");

    const controller = new AbortController();
    const waiting = router.awaitComponent({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await assert.rejects(waiting, /stop/);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router: selects get values; awaitMessage resolves on the next matching message", async () => {
  const pick = command({ name: "pick", description: "Pick" });
  const router = new InteractionRouter()
    .command(pick, (_, ctx) =>
      ctx.respond({
        components: [row(stringSelect({
          id: "color:{x}".replace("{x}", "1"),
          options: [{ label: "Red", value: "red" }, {
            label: "Blue",
            value: "blue",
          }],
          max: 2,
        }))],
      }))
    .select(
      "color:{n}",
      (i, ctx) => ctx.update(`${i.params.n}: ${i.values.join(",")}`),
    );
  const { discord, client } = await start(router);
  try {
    await discord.runCommand(pick, {});
    const [message] = discord.rest.messages(discord.channelId);
    const r = await discord.select(message!, "color:1", ["red", "blue"]);
    assert.equal(r.body.data?.content, "1: red,blue");
    await assert.rejects(
      () => discord.select(message!, "color:1", ["green"]),
      /has no option 'green'/,
    );

    const next = awaitMessage(client, {
      authorId: discord.user.id,
      timeout: 5000,
    });
    discord.postMessage("from the user");
    assert.equal((await next).content, "from the user");
    await assert.rejects(
      awaitMessage(client, { timeout: 1 }),
      (error: Error) => error.name === "TimeoutError",
    );
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router: options that do not fit the definition are reported as options_mismatch", async () => {
  const { errors, onError, count } = errorSink();
  const roll = command({
    name: "roll",
    description: "Roll",
    options: { sides: integer({ description: "s", required: true }) },
  });
  const router = new InteractionRouter({ onError })
    .command(roll, (i, ctx) => ctx.respond(String(i.options.sides)));
  const { discord, client } = await start(router);
  try {
    discord.runCommand({
      name: "roll",
      options: [{ name: "sides", type: 3, value: "six" }],
    })
      .catch(() => {});
    await count(1);
    assert.equal(errors[0]!.kind, "options_mismatch");
    assert.match(errors[0]!.message, /sync the commands/);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router: a value outside its option's choices, range or length is options_mismatch, not handed to the handler", async () => {
  const { errors, onError, count } = errorSink();
  const paint = command({
    name: "paint",
    description: "Paint",
    options: {
      color: string({
        description: "c",
        choices: [{ name: "Red", value: "red" }, {
          name: "Blue",
          value: "blue",
        }],
      }),
      coats: integer({ description: "n", min: 1, max: 10 }),
      note: string({ description: "t", maxLength: 5 }),
    },
  });
  const ran: unknown[] = [];
  const router = new InteractionRouter({ onError })
    .command(paint, (i, ctx) => {
      ran.push(i.options);
      return ctx.respond("ok");
    });
  const { discord, client } = await start(router);
  try {
    const bad = [
      [{ name: "color", type: 3, value: "green" }],
      [{ name: "coats", type: 4, value: -99_999 }],
      [{ name: "coats", type: 4, value: 11 }],
      [{ name: "note", type: 3, value: "x".repeat(1000) }],
    ];
    for (const options of bad) {
      discord.runCommand({ name: "paint", options }).catch(() => {});
    }
    await count(4);
    assert.deepEqual(
      errors.map((e) => e.kind),
      Array(4).fill("options_mismatch"),
    );
    assert.match(
      errors[0]!.message,
      /'color' is not one of its choices: green/,
    );
    assert.match(errors[1]!.message, /'coats' is below 1: -99999/);
    assert.match(errors[3]!.message, /'note' is longer than 5 characters/);
    // Values within the definition (an emoji counts as one character).
    await discord.runCommand({
      name: "paint",
      options: [
        { name: "color", type: 3, value: "blue" },
        { name: "coats", type: 4, value: 10 },
        { name: "note", type: 3, value: "🎨🎨🎨🎨🎨" },
      ],
    });
    assert.equal(ran.length, 1);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router: a button pattern does not take a select with the same custom id, and back", async () => {
  const seen: string[] = [];
  const router = new InteractionRouter()
    .button("pick:{n}", (i, ctx) => {
      seen.push(`button ${i.params.n}`);
      return ctx.deferUpdate();
    })
    .select("pick:{n}", (i, ctx) => {
      seen.push(`select ${i.values}`);
      return ctx.deferUpdate();
    });
  const base = commandInteraction({
    id: "1",
    application_id: "1",
    token: "t",
    message: { id: "3" },
  });
  const respond = (): Promise<void> => Promise.resolve();
  await router.handle({
    ...base,
    type: 3,
    data: { custom_id: "pick:1", component_type: 2 },
  } as never, { rest: undefined as never, respond });
  await router.handle({
    ...base,
    type: 3,
    data: { custom_id: "pick:2", component_type: 3, values: ["a"] },
  } as never, { rest: undefined as never, respond });
  assert.deepEqual(seen, ["button 1", "select a"]);
});

Deno.test("router: user and channel selects get Discord's resolved data from the fake", async () => {
  const who = command({ name: "who", description: "Who" });
  const router = new InteractionRouter()
    .command(who, (_, ctx) =>
      ctx.respond({
        components: [
          row(userSelect({ id: "user" })),
          row(channelSelect({ id: "where" })),
        ],
      }))
    .select(
      "user",
      (i, ctx) =>
        ctx.update(`user ${i.resolved?.users?.[i.values[0]!]?.username}`),
    )
    .select(
      "where",
      (i, ctx) =>
        ctx.update(`channel ${i.resolved?.channels?.[i.values[0]!]?.name}`),
    );
  const { discord, client } = await start(router);
  try {
    await discord.runCommand(who, {});
    const [message] = discord.rest.messages(discord.channelId);
    const picked = await discord.select(message!, "user", [discord.user.id]);
    assert.equal(picked.body.data?.content, "user tester");
    const [updated] = discord.rest.messages(discord.channelId);
    await assert.rejects(
      () => discord.select(updated!, "user", ["1"]),
      /cannot pick unknown ID 1/,
    );
    const where = await discord.select(updated!, "where", [discord.channelId]);
    assert.equal(where.body.data?.content, "channel general");
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router: without onError, a failing handler and an unrouted interaction reach stderr", async () => {
  const boom = command({ name: "boom", description: "Boom" });
  const router = new InteractionRouter().command(boom, () => {
    throw new Error("kaput");
  });
  const base = commandInteraction({
    id: "1",
    application_id: "1",
    token: "t",
  });
  const lines = await captureStderr(async () => {
    await router.handle({
      ...base,
      type: 2,
      data: { id: "9", name: "boom", type: 1 },
    } as never, { rest: undefined as never });
    await router.handle({
      ...base,
      type: 3,
      data: { custom_id: "nowhere", component_type: 2 },
      message: { id: "3" },
    } as never, { rest: undefined as never });
  });
  assert.match(
    lines[0]!,
    /^\[ERR\] disruption·interactions: The handler of \/boom threw: kaput/,
  );
  // With the route's own error and its stack: where to look.
  assert.match(lines[0]!, /Error: kaput\n\s+at .*router_test\.ts:\d+/);
  assert.match(
    lines.at(-1)!,
    /^\[WRN\] disruption·interactions: No route for component 'nowhere'/,
  );
});

Deno.test("router: a modal with a file upload gets the uploaded attachments resolved", async () => {
  const report = command({ name: "report", description: "Report" });
  const router = new InteractionRouter()
    .command(report, (_, ctx) =>
      ctx.showModal(modal({
        id: "report",
        title: "Report",
        components: [
          label("Screenshot", fileUpload({ id: "shot", fileTypes: ["image"] })),
        ],
      })))
    .modal("report", (i, ctx) => {
      const [id] = i.fields.values("shot");
      return ctx.respond(`got ${i.resolved?.attachments?.[id!]?.filename}`);
    });
  const { discord, client } = await start(router);
  try {
    const shown = await discord.runCommand(report, {});
    const answer = await discord.submitModal(shown, {
      shot: [{ filename: "bug.png", size: 10, content_type: "image/png" }],
    });
    assert.equal(answer.body.data?.content, "got bug.png");
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("router refuses a pattern registered twice and reports one an earlier pattern shadows", async () => {
  const router = new InteractionRouter();
  router.button("vote:{x}", () => {});
  assert.throws(() => router.button("vote:{x}", () => {}), TypeError);
  // The same pattern for selects is another route.
  router.select("vote:{x}", () => {});
  const lines = await captureStderr(() => {
    router.button("vote:{x}:{y}", () => {});
    router.button("poll:{x}:{y}", () => {});
    router.button("poll:{x}", () => {});
  });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /'vote:\{x\}:\{y\}' is shadowed by 'vote:\{x\}'/);
});

Deno.test("router reports a pattern an earlier one overlaps, either way round, with an id both match", async () => {
  const pairs = [
    ["a:{x}", "{y}:b", "a:b"],
    ["{y}:b", "a:{x}", "a:b"],
    ["vote:{id}", "{kind}:{id}", "vote:x"],
    ["{kind}:{id}:up", "vote:{id}:{choice}", "vote:x:up"],
  ] as const;
  for (const [first, second, expected] of pairs) {
    const router = new InteractionRouter();
    const lines = await captureStderr(() => {
      router.button(first, () => {});
      router.button(second, () => {});
      // Another kind's routes are apart.
      router.select(second, () => {});
    });
    assert.equal(lines.length, 1, `${first} then ${second}: ${lines}`);
    const line = lines[0]!;
    assert.ok(
      line.includes(
        `button pattern '${second}' overlaps '${first}', registered before it: custom ids both match (such as '${expected}') go to '${first}'`,
      ),
      line,
    );
    // The example is an id the second's customId builds and the first takes.
    const params = compileCustomId(second).match(expected);
    assert.ok(params !== undefined, `${second} on ${expected}`);
    assert.equal(customId(second, params), expected);
    assert.ok(
      compileCustomId(first).match(expected),
      `${first} on ${expected}`,
    );
  }
});

Deno.test("router gives no overlap warning for patterns no id of the later one also matches", async () => {
  const lines = await captureStderr(() => {
    new InteractionRouter()
      .button("tag:{name}", () => {})
      .button("vote:{id}", () => {})
      .button("vote/{id}", () => {})
      .button("poll:{x}:{y}", () => {})
      // "poll:a:b" matches both, but is the earlier one's id: it goes there.
      .button("poll:{x}", () => {})
      .button("ticket-{id}:close", () => {})
      .button("ticket-{id}", () => {})
      .button("page/{n}", () => {})
      .button("page:{n}", () => {})
      .button("confirm", () => {})
      .button("cancel", () => {});
  });
  assert.deepEqual(lines, []);
});

Deno.test("a waiter whose filter throws ends with that error and lets go: awaitMessage unsubscribes, awaitComponent passes the click on to its route", async () => {
  const clock = new VirtualScheduler();
  const listeners = new Set<(message: never) => void>();
  const source = {
    on: (_: "MESSAGE_CREATE", listener: (message: never) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const waiting = awaitMessage(source, {
    scheduler: clock,
    filter: () => {
      throw new Error("bad filter");
    },
  });
  for (const listener of listeners) {
    listener({ id: "1", channel_id: "2", content: "x" } as never);
  }
  await assert.rejects(waiting, /bad filter/);
  assert.equal(listeners.size, 0);
  assert.equal(clock.pending, 0);

  const routed: string[] = [];
  const router = new InteractionRouter({ scheduler: clock }).button(
    "go",
    (i, ctx) => {
      routed.push(i.customId);
      return ctx.deferUpdate();
    },
  );
  const waiter = router.awaitComponent({
    filter: () => {
      throw new Error("bad component filter");
    },
  });
  const taken = await router.handle({
    id: "7",
    application_id: "1",
    type: 3,
    token: "t",
    version: 1,
    data: { custom_id: "go", component_type: 2 },
    message: { id: "5" },
    user: {
      id: "2",
      username: "u",
      discriminator: "0",
      global_name: null,
      avatar: null,
    },
  } as never, { rest: undefined as never, respond: () => Promise.resolve() });
  assert.equal(taken, true);
  await assert.rejects(waiter, /bad component filter/);
  assert.deepEqual(routed, ["go"]);
  assert.equal(clock.pending, 0);
});

Deno.test("router refuses a second autocomplete handler for the same option instead of replacing the first", () => {
  const find = command({
    name: "find",
    description: "Find",
    options: { q: string({ description: "Query", autocomplete: true }) },
  });
  const router = new InteractionRouter().autocomplete(find, "q", () => {});
  assert.throws(
    () => router.autocomplete(find, "q", () => {}),
    /already has a handler/,
  );
});

Deno.test("awaitMessage and awaitComponent reject a timeout that is not an integer from 0 to 2^31 - 1 instead of timing out at once", async () => {
  const clock = new VirtualScheduler();
  const listeners = new Set<(message: never) => void>();
  const source = {
    on: (_: "MESSAGE_CREATE", listener: (message: never) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const router = new InteractionRouter({ scheduler: clock });
  for (const timeout of [NaN, -1, 1.5, 2 ** 31, Infinity, "5" as never]) {
    await assert.rejects(
      awaitMessage(source, { scheduler: clock, timeout }),
      RangeError,
      "'timeout' must be an integer from 0 to 2147483647",
    );
    await assert.rejects(
      router.awaitComponent({ timeout }),
      RangeError,
      "Cannot create component wait as 'timeout'",
    );
  }
  await assert.rejects(
    awaitMessage(source, { scheduler: {} as never }),
    TypeError,
    "'scheduler' must be a Scheduler",
  );
  // Nothing was left waiting: no listener, no timer.
  assert.equal(listeners.size, 0);
  assert.equal(clock.pending, 0);
  // A timeout of 0 is a valid "only what is already here": it times out.
  const zero = awaitMessage(source, { scheduler: clock, timeout: 0 });
  await clock.advance(0);
  await assert.rejects(zero, (e: Error) => e.name === "TimeoutError");
});

Deno.test("the router's answerDeadline reaches the context: an interaction reported not answered at it cannot be answered after all", async () => {
  const clock = new VirtualScheduler();
  const reported: string[] = [];
  const late: string[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    answerDeadline: 1000,
    onError: (error) => void reported.push(error.kind),
  }).command(command({ name: "ping", description: "Ping" }), async (_, ctx) => {
    await delay(clock, 1500);
    await ctx.respond("too late").catch((error: InteractionError) =>
      late.push(error.kind)
    );
  });
  const sent: unknown[] = [];
  const handled = router.handle(commandInteraction(), {
    rest: undefined as never,
    respond: (body) => {
      sent.push(body);
      return Promise.resolve();
    },
  });
  await clock.advance(2000);
  await handled;
  assert.deepEqual(reported, ["not_answered"]);
  assert.deepEqual(late, ["token_expired"]);
  assert.deepEqual(sent, []);
});
