// `router.autocomplete(definition, option, ...)` takes only the name of an
// option that offers autocomplete, at any depth: a typo, a subcommand's name
// or an option without `autocomplete: true` is refused at compile time (the
// `@ts-expect-error` lines below, checked when this file is type-checked)
// and when the route is added, instead of leaving every request unanswered.
import assert from "node:assert/strict";
import {
  command,
  integer,
  string,
  subcommand,
  subcommandGroup,
} from "../../interactions/commands.ts";
import { InteractionRouter } from "../../interactions/router.ts";

const flat = command({
  name: "find",
  description: "Find",
  options: {
    q: string({ description: "Query", autocomplete: true }),
    n: integer({ description: "Count" }),
  },
});

const tag = command({
  name: "tag",
  description: "Tags",
  options: {
    show: subcommand({
      description: "Show",
      options: { name: string({ description: "n", autocomplete: true }) },
    }),
    admin: subcommandGroup({
      description: "Admin",
      options: {
        remove: subcommand({
          description: "Remove",
          options: {
            tag: integer({
              description: "t",
              required: true,
              autocomplete: true,
            }),
            reason: string({ description: "r" }),
          },
        }),
      },
    }),
  },
});

/** The same shape written as object literals (no builders). */
const literal = command({
  name: "lit",
  description: "Literal",
  options: {
    sub: {
      type: 1,
      description: "Sub",
      required: false,
      options: {
        a: { type: 3, description: "a", required: false, autocomplete: true },
        b: { type: 3, description: "b", required: false },
      },
    },
  },
});

function refused(command: string, option: string): RegExp {
  return new RegExp(`option '${option}' of /${command}.*autocomplete: true`);
}

Deno.test("autocomplete takes the names of options offering it, at any depth", () => {
  const router = new InteractionRouter()
    .autocomplete(flat, "q", () => {})
    .autocomplete(tag, "name", () => {})
    .autocomplete(tag, "tag", () => {})
    .autocomplete(literal, "a", () => {});
  assert.ok(router);
});

Deno.test("autocomplete refuses a name that is not an option offering autocomplete, at compile time and when added", () => {
  const router = new InteractionRouter();
  assert.throws(
    // @ts-expect-error: no such option
    () => router.autocomplete(flat, "qq", () => {}),
    TypeError,
  );
  assert.throws(
    // @ts-expect-error: the option has no `autocomplete: true`
    () => router.autocomplete(flat, "n", () => {}),
    refused("find", "n"),
  );
  assert.throws(
    // @ts-expect-error: a typo, in a command with a group
    () => router.autocomplete(tag, "tags", () => {}),
    refused("tag", "tags"),
  );
  assert.throws(
    // @ts-expect-error: a subcommand is not an option with values
    () => router.autocomplete(tag, "show", () => {}),
    refused("tag", "show"),
  );
  assert.throws(
    // @ts-expect-error: a group neither
    () => router.autocomplete(tag, "admin", () => {}),
    refused("tag", "admin"),
  );
  assert.throws(
    // @ts-expect-error: the option has no `autocomplete: true`
    () => router.autocomplete(tag, "reason", () => {}),
    refused("tag", "reason"),
  );
  assert.throws(
    // @ts-expect-error: a literal option without `autocomplete: true`
    () => router.autocomplete(literal, "b", () => {}),
    refused("lit", "b"),
  );
});

Deno.test("autocomplete refuses a BOOLEAN marked autocomplete: true in a definition command() did not check: Discord never sends it", () => {
  const raw = {
    name: "raw",
    description: "Raw",
    type: 1,
    options: { flag: { type: 5, description: "f", autocomplete: true } },
  } as never;
  assert.throws(
    () => new InteractionRouter().autocomplete(raw, "flag" as never, () => {}),
    refused("raw", "flag"),
  );
});
