// What is not an interaction (a dispatch whose `d` is null, a number) is
// refused with a TypeError by handle(), and an attached router reports it
// on stderr instead of dropping it without a word.
import assert from "node:assert/strict";
import { InteractionRouter } from "../../interactions/router.ts";
import { command } from "../../interactions/commands.ts";
import { syncCommands } from "../../interactions/sync.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("router.handle() rejects what is not an interaction with a TypeError naming it", async (t) => {
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({ onError: (e) => void errors.push(e) });
  const rows: [string, unknown, string][] = [
    ["null", null, "interaction=null"],
    ["undefined", undefined, "interaction=undefined"],
    ["a number", 5, "interaction=5"],
    ["a list", [], "interaction=array"],
    ["an object without a type", { id: "1" }, "interaction.type=undefined"],
  ];
  for (const [name, value, shown] of rows) {
    await t.step(name, async () => {
      await assert.rejects(
        router.handle(value as never, { rest: undefined as never }),
        {
          name: "TypeError",
          message:
            `Cannot handle interaction as 'interaction' must be an interaction object with a numeric 'type': current value '${shown}'`,
        },
      );
    });
  }
  assert.deepEqual(errors, []);
});

Deno.test("an INTERACTION_CREATE whose d is null never reaches an attached router (the shard skips it, said on stderr, even with onError), and the next one is routed", async () => {
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({ onError: (e) => void errors.push(e) });
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  router.attach(client);
  const seen: unknown[] = [];
  const lines = await captureStderr(async () => {
    await client.start();
    const next = new Promise<void>((resolve) =>
      client.on("INTERACTION_CREATE", (interaction) => {
        seen.push(interaction);
        resolve();
      })
    );
    discord.gateway.dispatch("INTERACTION_CREATE", null);
    // Not an interaction the router knows: reported as unrouted, as ever.
    discord.gateway.dispatch("INTERACTION_CREATE", { id: "5", type: 9 });
    await next;
    await client.idle();
  });
  assert.deepEqual(seen, [{ id: "5", type: 9 }]);
  assert.ok(
    lines.some((line) =>
      /Shard 0 skipped INTERACTION_CREATE \(sequence \d+\): its data is null, not an object/
        .test(line)
    ),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((line) => line.includes("No route for interaction type 9")),
    lines.join("\n"),
  );
  assert.deepEqual(errors, []);
});

Deno.test("an onError hook that throws is said on stderr with the error it was given (both were otherwise lost)", async () => {
  const boom = command({ name: "boom", description: "Boom" });
  const router = new InteractionRouter({
    onError: () => {
      throw new Error("the reporter is broken");
    },
  }).command(boom, () => {
    throw new Error("handler bug");
  });
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  await using client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  router.attach(client);
  const lines = await captureStderr(async () => {
    await runUntilSettled(scheduler, client.start());
    await syncCommands(client.rest, router.commands);
    // The bot never answers: the deadline passes on the virtual clock.
    await runUntilSettled(
      scheduler,
      discord.runCommand(boom, {}).catch(() => {}),
    );
    await client.idle();
  });
  const said = lines.filter((line) => line.includes("onError threw"));
  assert.equal(said.length, 1, lines.join("\n"));
  assert.match(said[0]!, /the reporter is broken/);
  assert.match(said[0]!, /handler bug/);
});
