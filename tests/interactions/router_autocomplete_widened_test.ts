// `router.autocomplete` refuses at compile time only the names of options
// that provably offer no autocomplete. Where `true` is not visible as a
// literal type (an options object in a variable, a helper with an annotated
// return type, a generic wrapper, autocomplete decided at runtime, explicit
// type arguments, a command typed as the wide `ChatInputCommand`) the name
// compiles and the check when the route is added is the backstop. Every
// plain line here must compile: a type error fails this file.
import assert from "node:assert/strict";
import {
  channel,
  command,
  integer,
  number,
  string,
  subcommand,
  subcommandGroup,
  user,
} from "../../interactions/commands.ts";
import type {
  ChatInputCommand,
  OptionDefinition,
  StringOptionOptions,
} from "../../interactions/command_types.ts";
import { InteractionRouter } from "../../interactions/router.ts";

const h = (): void => {};

Deno.test("autocomplete takes option names whose autocomplete is not a literal true", () => {
  const router = new InteractionRouter();

  // An options object held in a variable: `autocomplete` widens to boolean.
  const qOpts = { description: "q", autocomplete: true };
  const c2 = command({
    name: "c2",
    description: "d",
    options: { q: string(qOpts) },
  });
  router.autocomplete(c2, "q", h);

  // A helper with an annotated return type.
  function query(description: string): OptionDefinition<3, string, false> {
    return string({ description, autocomplete: true });
  }
  const c3 = command({
    name: "c3",
    description: "d",
    options: { q: query("q") },
  });
  router.autocomplete(c3, "q", h);

  // A generic wrapper around string().
  function req<
    const C extends readonly { name: string; value: string }[] = [],
  >(
    o: StringOptionOptions<false, C>,
  ): OptionDefinition<3, string, true> {
    return string({ ...o, required: true });
  }
  const c4 = command({
    name: "c4",
    description: "d",
    options: { q: req({ description: "q", autocomplete: true }) },
  });
  router.autocomplete(c4, "q", h);

  // Explicitly typed options.
  const typed: StringOptionOptions<false, []> = {
    description: "q",
    autocomplete: true,
  };
  const c9 = command({
    name: "c9",
    description: "d",
    options: { q: string(typed) },
  });
  router.autocomplete(c9, "q", h);

  // Autocomplete decided at runtime.
  function build(withAc: boolean): ChatInputCommand<"c1"> {
    return command({
      name: "c1",
      description: "d",
      options: { q: string({ description: "q", autocomplete: withAc }) },
    });
  }
  // The return type is inferred on purpose: the command's own type.
  // deno-lint-ignore explicit-function-return-type
  function buildInferred(withAc: boolean) {
    return command({
      name: "c1b",
      description: "d",
      options: { q: string({ description: "q", autocomplete: withAc }) },
    });
  }
  router.autocomplete(build(true), "q", h);
  router.autocomplete(buildInferred(true), "q", h);

  // Explicit type arguments (giving R must not pin autocomplete to false).
  const c11 = command({
    name: "c11",
    description: "d",
    options: {
      q: string<true>({
        description: "q",
        required: true,
        autocomplete: true,
      }),
      x: number<true, []>({
        description: "x",
        required: true,
        autocomplete: true,
      }),
      n: integer<false>({ description: "n", autocomplete: true }),
    },
  });
  router.autocomplete(c11, "q", h).autocomplete(c11, "n", h)
    .autocomplete(c11, "x", h);

  // A spread with a literal `autocomplete: true`.
  const base = { description: "x" };
  const c8 = command({
    name: "c8",
    description: "d",
    options: { x: number({ ...base, autocomplete: true }) },
  });
  router.autocomplete(c8, "x", h);

  // A literal subcommand holding a literal option, the command `as const`.
  const c10 = command(
    {
      name: "c10",
      description: "d",
      options: {
        s: {
          type: 1,
          description: "s",
          required: false,
          options: {
            q: {
              type: 3,
              description: "q",
              required: false,
              autocomplete: true,
            },
          },
        },
      },
    } as const,
  );
  router.autocomplete(c10, "q", h);

  // Autocomplete in some subcommands only, one in a group.
  const c7 = command({
    name: "c7",
    description: "d",
    options: {
      a: subcommand({
        description: "a",
        options: { q: string({ description: "q", autocomplete: true }) },
      }),
      b: subcommand({ description: "b" }),
      g: subcommandGroup({
        description: "g",
        options: {
          s: subcommand({
            description: "s",
            options: { n: integer({ description: "n", autocomplete: true }) },
          }),
        },
      }),
    },
  });
  router.autocomplete(c7, "q", h).autocomplete(c7, "n", h);
  assert.ok(router);
});

Deno.test("autocomplete takes any name for a command typed as the wide ChatInputCommand, and checks it when added", () => {
  const router = new InteractionRouter();
  const c1 = command({
    name: "c1",
    description: "d",
    options: { q: string({ description: "q", autocomplete: true }) },
  });
  const all: ChatInputCommand[] = [c1];
  router.autocomplete(all[0]!, "q", h);
  // Generic registration code passes names through.
  function register(c: ChatInputCommand, name: string): void {
    router.autocomplete(c, name, h);
  }
  assert.throws(
    () => register(c1, "nope"),
    /option 'nope' of \/c1.*autocomplete: true/,
  );
});

Deno.test("autocomplete still refuses at compile time options that provably offer none", () => {
  const router = new InteractionRouter();
  const c = command({
    name: "c",
    description: "d",
    options: {
      plain: string<true>({ description: "p", required: true }),
      off: string({ description: "off", autocomplete: false }),
      fixed: integer<false, [{ name: "a"; value: 1 }]>({
        description: "n",
        autocomplete: false,
        choices: [{ name: "a", value: 1 }],
      }),
      who: user({ description: "u" }),
      where: channel({ description: "c" }),
    },
  });
  // Only strings, integers and numbers offer autocomplete.
  for (const name of ["who", "where"] as const) {
    assert.throws(
      // @ts-expect-error: a user or channel option offers none
      () => router.autocomplete(c, name, h),
      TypeError,
    );
  }
  assert.throws(
    // @ts-expect-error: `autocomplete: false`
    () => router.autocomplete(c, "off", h),
    TypeError,
  );
  assert.throws(
    // @ts-expect-error: explicit type arguments, no autocomplete
    () => router.autocomplete(c, "plain", h),
    TypeError,
  );
  assert.throws(
    // @ts-expect-error: explicit type arguments, `autocomplete: false`
    () => router.autocomplete(c, "fixed", h),
    TypeError,
  );
});
