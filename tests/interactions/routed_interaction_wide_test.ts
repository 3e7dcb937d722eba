// A bot that builds its commands from data holds them as the wide
// `ChatInputCommand`: its handler was told `subcommand` is `undefined` and
// `options` is `{}`, while at run time a subcommand arrived as
// `{ name, options }` and the options of a plain command as their values.
import assert from "node:assert/strict";
import {
  type ChatInputCommand,
  command,
  integer,
  string,
  subcommand,
} from "../../interactions/commands.ts";
import type {
  CommandInteraction,
  HasSubcommands,
} from "../../interactions/routed_interaction.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_expectTrue: T): void {}

/** What a handler of a command typed as the wide definition is given. */
type Wide = CommandInteraction<ChatInputCommand>;

Deno.test("a wide ChatInputCommand's handler is typed as the router calls it", () => {
  assertType<IsExact<HasSubcommands<ChatInputCommand["options"]>, boolean>>(
    true,
  );
  assertType<
    IsExact<
      Wide["subcommand"],
      { name: string; options: Record<string, unknown> } | undefined
    >
  >(true);
  assertType<IsExact<Wide["options"], Record<string, unknown>>>(true);
  // Reading what may be there compiles; assuming a subcommand ran does not.
  const read = (i: Wide): unknown => i.subcommand?.options["n"] ?? i.options.n;
  // @ts-expect-error `subcommand` may be undefined (a plain command).
  const name = (i: Wide): string => i.subcommand.name;
  void read;
  void name;
});

Deno.test("literal commands keep their precise types; one option of an untold type makes it wide", () => {
  const plain = command({
    name: "roll",
    description: "r",
    options: { sides: integer({ description: "s", required: true }) },
  });
  assertType<IsExact<HasSubcommands<typeof plain.options>, false>>(true);
  assertType<
    IsExact<CommandInteraction<typeof plain>["options"], { sides: number }>
  >(true);
  assertType<
    IsExact<CommandInteraction<typeof plain>["subcommand"], undefined>
  >(true);
  const subs = command({
    name: "tag",
    description: "t",
    options: { add: subcommand({ description: "a" }) },
  });
  assertType<IsExact<HasSubcommands<typeof subs.options>, true>>(true);
  const untold = { type: 3 as number, description: "d", required: false };
  assertType<IsExact<HasSubcommands<{ x: typeof untold }>, boolean>>(true);
  assertType<IsExact<HasSubcommands<Record<never, never>>, false>>(true);
});

Deno.test("a wide ChatInputCommand's handler gets the subcommand, or the options, as typed", async () => {
  const clock = new VirtualScheduler();
  const defs: ChatInputCommand[] = [
    command({
      name: "tag",
      description: "t",
      options: {
        add: subcommand({
          description: "a",
          options: { n: string({ description: "n", required: true }) },
        }),
      },
    }),
    command({
      name: "say",
      description: "s",
      options: { text: string({ description: "t", required: true }) },
    }),
  ];
  const seen: Pick<Wide, "command" | "options" | "subcommand">[] = [];
  const router = new InteractionRouter({ scheduler: clock });
  for (const def of defs) {
    router.command(def, (i, ctx) => {
      // Typed so: these compile only if the type is the runtime shape.
      const sub:
        | { name: string; options: Record<string, unknown> }
        | undefined = i.subcommand;
      const options: Record<string, unknown> = i.options;
      seen.push({ command: i.command, options, subcommand: sub });
      return ctx.respond("ok");
    });
  }
  const answer = { rest: undefined as never, respond: () => Promise.resolve() };
  assert.equal(
    await router.handle(
      commandInteraction({
        data: {
          id: "9",
          name: "tag",
          type: 1,
          options: [{
            name: "add",
            type: 1,
            options: [{ name: "n", type: 3, value: "x" }],
          }],
        },
      }),
      answer,
    ),
    true,
  );
  await router.handle(
    commandInteraction({
      data: {
        id: "9",
        name: "say",
        type: 1,
        options: [{ name: "text", type: 3, value: "hi" }],
      },
    }),
    answer,
  );
  assert.deepEqual(seen, [
    {
      command: "tag",
      options: {},
      subcommand: { name: "add", options: { n: "x" } },
    },
    { command: "say", options: { text: "hi" }, subcommand: undefined },
  ]);
  assert.equal(clock.pending, 0);
});
