// Which handler the router gives an interaction, and with what: a command
// is routed once per type and name (a second handler is refused), a command
// whose data leaves out `type` is the slash command, an autocomplete in a
// subcommand says which, `router.commands` lists what is routed (for
// syncCommands), the channel comes from `channel` when `channel_id` is
// absent, a modal submit or an autocomplete that does not say who sent it
// is refused, a component handler's failure names its custom id, an
// overlap is reported past an earlier pattern that does not overlap, and
// awaitComponent waits 60 s by default.
import assert from "node:assert/strict";
import {
  command,
  string,
  subcommand,
  userCommand,
} from "../../interactions/commands.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

const ping = command({ name: "ping", description: "Ping" });
const answered = { rest: undefined as never, respond: () => Promise.resolve() };
/** A router's options whose timers (a handler's reply deadline) are virtual. */
const quiet = () => ({ scheduler: new VirtualScheduler() });

Deno.test("router: a command routed twice is refused; a user command of the same name is another route", () => {
  const router = new InteractionRouter().command(ping, () => {});
  assert.throws(
    () => router.command(ping, () => {}),
    /Cannot route command 'ping' as it already has a handler/,
  );
  router.command(userCommand({ name: "ping" }), () => {});
  assert.deepEqual(
    router.commands.map((c) => `${c.type}:${c.name}`),
    ["1:ping", "2:ping"],
  );
});

Deno.test("router: a command whose data leaves out `type` goes to the slash command (type 1 by default)", async () => {
  const ran: string[] = [];
  const router = new InteractionRouter(quiet()).command(ping, () => {
    ran.push("slash");
  });
  const handled = await router.handle(
    commandInteraction({ data: { id: "9", name: "ping" } }),
    answered,
  );
  assert.deepEqual([handled, ran], [true, ["slash"]]);
});

Deno.test("router: an autocomplete in a subcommand tells the handler which subcommand", async () => {
  const tag = command({
    name: "tag",
    description: "Tags",
    options: {
      show: subcommand({
        description: "Show",
        options: { name: string({ description: "n", autocomplete: true }) },
      }),
    },
  });
  const seen: (string | undefined)[] = [];
  const router = new InteractionRouter(quiet()).autocomplete(
    tag,
    "name",
    (i) => {
      seen.push(i.subcommand);
    },
  );
  await router.handle(
    commandInteraction({
      type: 4,
      data: {
        id: "9",
        name: "tag",
        type: 1,
        options: [{
          name: "show",
          type: 1,
          options: [{ name: "name", type: 3, value: "a", focused: true }],
        }],
      },
    }),
    answered,
  );
  assert.deepEqual(seen, ["show"]);
});

Deno.test("router: the channel of an interaction without channel_id is read from its channel", async () => {
  const channels: (string | undefined)[] = [];
  const router = new InteractionRouter(quiet()).command(ping, (i) => {
    channels.push(i.channelId);
  });
  await router.handle(
    commandInteraction({ channel: { id: "77", type: 0 } }),
    answered,
  );
  assert.deepEqual(channels, ["77"]);
});

Deno.test("router: a modal submit or an autocomplete without its user is options_mismatch; no handler runs", async () => {
  const ask = command({
    name: "ask",
    description: "Ask",
    options: { q: string({ description: "q", autocomplete: true }) },
  });
  const errors: InteractionError[] = [];
  const ran: string[] = [];
  const router = new InteractionRouter({
    onError: (error) => void errors.push(error),
    staleReply: null,
  })
    .modal("form", () => void ran.push("modal"))
    .autocomplete(ask, "q", () => void ran.push("autocomplete"));
  await router.handle(
    commandInteraction({
      type: 5,
      user: undefined,
      data: { custom_id: "form", components: [] },
    }),
    answered,
  );
  await router.handle(
    commandInteraction({
      type: 4,
      user: undefined,
      data: {
        id: "9",
        name: "ask",
        type: 1,
        options: [{ name: "q", type: 3, value: "x", focused: true }],
      },
    }),
    answered,
  );
  assert.deepEqual(ran, []);
  assert.deepEqual(errors.map((e) => e.kind), [
    "options_mismatch",
    "options_mismatch",
  ]);
  assert.match(errors[0]!.message, /^modal 'form': .*without its user/);
});

Deno.test("router: a button handler's failure names its custom id in quotes", async () => {
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({
    onError: (error) => void errors.push(error),
  }).button("go:{n}", () => {
    throw new Error("kaput");
  });
  await router.handle(
    commandInteraction({
      type: 3,
      data: { custom_id: "go:1", component_type: 2 },
      message: { id: "5" },
    }),
    answered,
  );
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.interaction, "'go:1'");
  assert.equal(errors[0]!.message, "The handler of 'go:1' threw: kaput");
});

Deno.test("router reports an overlap with an earlier pattern after one that does not overlap", async () => {
  const router = new InteractionRouter();
  const lines = await captureStderr(() => {
    router.button("zzz", () => {});
    router.button("a:{x}", () => {});
    router.button("{y}:b", () => {});
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /'\{y\}:b' overlaps 'a:\{x\}'/);
});

Deno.test("router: awaitComponent waits 60 s by default", async () => {
  const clock = new VirtualScheduler();
  const router = new InteractionRouter({ scheduler: clock });
  let settled = false;
  const waiting = router.awaitComponent().finally(() => {
    settled = true;
  });
  waiting.catch(() => {});
  await clock.advance(59_999);
  assert.equal(settled, false);
  await clock.advance(1);
  await assert.rejects(waiting, /within 60000 ms/);
});
