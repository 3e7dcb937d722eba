import assert from "node:assert/strict";
import {
  attachment,
  boolean,
  channel,
  command,
  commandPayload,
  integer,
  mentionable,
  messageCommand,
  number,
  role,
  string,
  subcommand,
  subcommandGroup,
  user,
  userCommand,
} from "../../interactions/commands.ts";
import type {
  CommandInteraction,
  MenuInteraction,
} from "../../interactions/routed_interaction.ts";
import { readOptions } from "../../interactions/option_values.ts";
import { InteractionError } from "../../interactions/errors.ts";
import type { ResolvedChannel } from "../../types/objects/interaction.ts";
import type { Attachment, Message } from "../../types/objects/message.ts";
import type { Role } from "../../types/objects/role.ts";
import type {
  MentionableOptionValue,
  UserOptionValue,
} from "../../interactions/commands.ts";

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_expectTrue: T): void {}

const everything = command({
  name: "everything",
  description: "Every option type",
  options: {
    text: string({ description: "t", required: true, maxLength: 10 }),
    count: integer({ description: "c", required: true, min: 1, max: 5 }),
    size: string({
      description: "s",
      choices: [{ name: "Small", value: "s" }, { name: "Large", value: "l" }],
    }),
    ratio: number({ description: "r" }),
    flag: boolean({ description: "f" }),
    who: user({ description: "w" }),
    where: channel({ description: "w", channelTypes: [0] }),
    group: role({ description: "g" }),
    any: mentionable({ description: "a" }),
    file: attachment({ description: "f" }),
  },
  defaultMemberPermissions: 8n,
  contexts: [0],
  integrationTypes: [0, 1],
  nameLocalizations: { de: "alles" },
});

Deno.test("command: option values are typed from the definition", () => {
  type Options = CommandInteraction<typeof everything>["options"];
  assertType<
    IsExact<Options, {
      text: string;
      count: number;
      size?: "s" | "l";
      ratio?: number;
      flag?: boolean;
      who?: UserOptionValue;
      where?: ResolvedChannel;
      group?: Role;
      any?: MentionableOptionValue;
      file?: Attachment;
    }>
  >(true);
  assertType<
    IsExact<CommandInteraction<typeof everything>["subcommand"], undefined>
  >(true);
});

const tags = command({
  name: "tags",
  description: "Manage tags",
  options: {
    add: subcommand({
      description: "Add a tag",
      options: { name: string({ description: "n", required: true }) },
    }),
    admin: subcommandGroup({
      description: "Admin",
      options: {
        purge: subcommand({
          description: "Purge",
          options: { older: integer({ description: "days" }) },
        }),
      },
    }),
  },
});

Deno.test("command: subcommands are a union told apart by name", () => {
  type Sub = CommandInteraction<typeof tags>["subcommand"];
  assertType<
    IsExact<
      Sub,
      | { name: "add"; options: { name: string } }
      | { name: "admin purge"; options: { older?: number } }
    >
  >(true);
  const menu = userCommand({ name: "Inspect user" });
  const messageMenu = messageCommand({ name: "Quote" });
  assertType<IsExact<MenuInteraction<typeof menu>["target"], UserOptionValue>>(
    true,
  );
  assertType<
    IsExact<MenuInteraction<typeof messageMenu>["target"], Message>
  >(true);
});

Deno.test("commandPayload: Discord's body with every field", () => {
  assert.deepEqual(commandPayload(everything), {
    name: "everything",
    name_localizations: { de: "alles" },
    default_member_permissions: "8",
    contexts: [0],
    integration_types: [0, 1],
    type: 1,
    description: "Every option type",
    options: [
      {
        type: 3,
        name: "text",
        description: "t",
        required: true,
        max_length: 10,
      },
      {
        type: 4,
        name: "count",
        description: "c",
        required: true,
        min_value: 1,
        max_value: 5,
      },
      {
        type: 3,
        name: "size",
        description: "s",
        choices: [{ name: "Small", value: "s" }, { name: "Large", value: "l" }],
      },
      { type: 10, name: "ratio", description: "r" },
      { type: 5, name: "flag", description: "f" },
      { type: 6, name: "who", description: "w" },
      { type: 7, name: "where", description: "w", channel_types: [0] },
      { type: 8, name: "group", description: "g" },
      { type: 9, name: "any", description: "a" },
      { type: 11, name: "file", description: "f" },
    ],
  });
  assert.deepEqual(commandPayload(tags).options, [
    {
      type: 1,
      name: "add",
      description: "Add a tag",
      options: [{ type: 3, name: "name", description: "n", required: true }],
    },
    {
      type: 2,
      name: "admin",
      description: "Admin",
      options: [{
        type: 1,
        name: "purge",
        description: "Purge",
        options: [{ type: 4, name: "older", description: "days" }],
      }],
    },
  ]);
  assert.deepEqual(commandPayload(userCommand({ name: "Inspect user" })), {
    name: "Inspect user",
    type: 2,
  });
});

Deno.test("command: bad definitions throw before anything is sent", () => {
  assert.throws(
    () => command({ name: "Roll", description: "x" }),
    /'name' must be lower case/,
  );
  assert.throws(
    () => command({ name: "roll", description: "" }),
    /'description' must be 1-100 characters/,
  );
  assert.throws(
    () =>
      command({
        name: "roll",
        description: "x",
        options: {
          a: string({ description: "a" }),
          b: string({ description: "b", required: true }),
        },
      }),
    /required option 'b' comes after an optional one/,
  );
  assert.throws(
    () =>
      command({
        name: "roll",
        description: "x",
        options: {
          a: string({ description: "a" }),
          b: subcommand({ description: "b" }),
        },
      }),
    /mixes subcommands with plain options/,
  );
  assert.throws(
    () =>
      string({
        description: "x",
        autocomplete: true,
        choices: [{ name: "a", value: "a" }],
      }),
    /both choices and autocomplete/,
  );
});

Deno.test("readOptions: resolves IDs, finds the subcommand, rejects what does not fit", () => {
  const resolved = {
    users: {
      "5": {
        id: "5",
        username: "u",
        discriminator: "0",
        global_name: null,
        avatar: null,
      },
    },
    roles: { "7": { id: "7", name: "mods" } as unknown as Role },
  };
  const read = readOptions("everything", everything.options, {
    id: "1",
    name: "everything",
    type: 1,
    resolved,
    options: [
      { name: "text", type: 3, value: "hi" },
      { name: "count", type: 4, value: 2 },
      { name: "who", type: 6, value: "5" },
      { name: "any", type: 9, value: "7" },
    ],
  });
  assert.deepEqual(read, {
    subcommand: undefined,
    options: {
      text: "hi",
      count: 2,
      who: { id: "5", user: resolved.users["5"], member: undefined },
      any: { kind: "role", id: "7", role: resolved.roles["7"] },
    },
  });
  const sub = readOptions("tags", tags.options, {
    id: "1",
    name: "tags",
    type: 1,
    options: [{
      name: "admin",
      type: 2,
      options: [{
        name: "purge",
        type: 1,
        options: [{ name: "older", type: 4, value: 3 }],
      }],
    }],
  });
  assert.deepEqual(sub, { subcommand: "admin purge", options: { older: 3 } });

  const mismatch = (options: unknown[], pattern: RegExp): void => {
    assert.throws(
      () =>
        readOptions("everything", everything.options, {
          id: "1",
          name: "everything",
          type: 1,
          options: options as never,
        }),
      (error: unknown) =>
        error instanceof InteractionError &&
        error.kind === "options_mismatch" && pattern.test(error.message),
    );
  };
  mismatch(
    [{ name: "text", type: 3, value: "x" }],
    /required option 'count' is missing/,
  );
  mismatch([{ name: "text", type: 4, value: 1 }], /has type 4, defined as 3/);
  mismatch([{ name: "zzz", type: 3, value: "x" }], /unknown option 'zzz'/);
  mismatch(
    [{ name: "text", type: 3, value: "x" }, {
      name: "count",
      type: 4,
      value: 1.5,
    }],
    /not an integer/,
  );
  mismatch(
    [
      { name: "text", type: 3, value: "x" },
      { name: "count", type: 4, value: 1 },
      { name: "who", type: 6, value: "99" },
    ],
    /user 99 is not resolved/,
  );
});

Deno.test("readOptions: option names that are Object.prototype members are read as any other", () => {
  const cmd = command({
    name: "proto",
    description: "Options named like Object.prototype members",
    options: {
      constructor: string({ description: "Required", required: true }),
      tostring: string({ description: "Optional" }),
    },
  });
  const read = (options: unknown[]): unknown =>
    readOptions("proto", cmd.options, {
      id: "1",
      name: "proto",
      type: 1,
      options: options as never,
    });
  assert.deepEqual(read([{ name: "constructor", type: 3, value: "x" }]), {
    subcommand: undefined,
    options: { constructor: "x" },
  });
  // Missing: "constructor" in {} is true through the prototype.
  assert.throws(
    () => read([]),
    (error: unknown) =>
      error instanceof InteractionError &&
      /required option 'constructor' is missing/.test(error.message),
  );
  for (const name of ["toString", "valueOf", "hasOwnProperty"]) {
    assert.throws(
      () => read([{ name, type: 3, value: "x" }]),
      (error: unknown) =>
        error instanceof InteractionError &&
        error.kind === "options_mismatch" &&
        error.message.includes(`unknown option '${name}'`),
      name,
    );
  }
});

Deno.test("command refuses more than 8000 characters of names, descriptions and choices, each at its longest localization", () => {
  const d = "d".repeat(100);
  // Per option: name 3 + description 100 + two choices of 100 + 6: 315;
  // 25 of them 7875, and the command's 103: 7978.
  const options = (germanName?: string): Record<
    string,
    ReturnType<typeof string>
  > =>
    Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [
        `o${String(i).padStart(2, "0")}`,
        string({
          description: d,
          ...(i === 0 && germanName
            ? { nameLocalizations: { de: germanName } }
            : {}),
          choices: [
            { name: "x".repeat(100), value: "v".repeat(6) },
            { name: "y".repeat(100), value: "w".repeat(6) },
          ],
        }),
      ]),
    );
  command({ name: "big", description: d, options: options() });
  // A longer German name counts instead of the default: 25 - 3 = +22.
  command({ name: "big", description: d, options: options("g".repeat(25)) });
  assert.throws(
    () =>
      command({
        name: "big",
        description: d,
        options: options("g".repeat(26)),
      }),
    (error: unknown) =>
      error instanceof RangeError && /8000 characters/.test(error.message) &&
      /'8001'/.test(error.message),
  );
  assert.throws(
    () =>
      command({
        name: "big",
        description: d,
        // 32 instead of 3: +29.
        nameLocalizations: { de: "g".repeat(32) },
        options: options(),
      }),
    RangeError,
  );
});

Deno.test("options check choice names and values, length and value ranges, and localized names", () => {
  assert.throws(
    () => string({ description: "x", choices: [{ name: "", value: "a" }] }),
    RangeError,
  );
  assert.throws(
    () =>
      string({
        description: "x",
        choices: [{ name: "a", value: "v".repeat(101) }],
      }),
    RangeError,
  );
  assert.throws(
    () =>
      integer({ description: "x", choices: [{ name: "a", value: Infinity }] }),
    RangeError,
  );
  assert.throws(() => string({ description: "x", maxLength: 0 }), RangeError);
  assert.throws(
    () => string({ description: "x", minLength: 6001 }),
    RangeError,
  );
  assert.throws(
    () => string({ description: "x", minLength: 10, maxLength: 5 }),
    RangeError,
  );
  assert.throws(() => integer({ description: "x", min: 1.5 }), RangeError);
  number({ description: "x", min: 1.5, max: 2.5 });
  assert.throws(
    () => integer({ description: "x", min: 5, max: 1 }),
    RangeError,
  );
  assert.throws(
    () =>
      command({
        name: "roll",
        description: "Roll",
        nameLocalizations: { de: "Würfeln" },
      }),
    (error: unknown) =>
      error instanceof TypeError && /lower case/.test(error.message),
  );
  assert.throws(
    () =>
      boolean({
        description: "x",
        descriptionLocalizations: { de: "x".repeat(101) },
      }),
    RangeError,
  );
  assert.throws(
    () => boolean({ description: "x", nameLocalizations: { fr: "a b" } }),
    TypeError,
  );
});

Deno.test("choices must have the option's value type; a group needs a subcommand", () => {
  assert.throws(
    () =>
      integer({ description: "x", choices: [{ name: "half", value: 0.5 }] }),
    (error: unknown) =>
      error instanceof RangeError && /an integer/.test(error.message),
  );
  assert.throws(
    () =>
      string({
        description: "x",
        choices: [{ name: "n", value: 1 as unknown as string }],
      }),
    TypeError,
  );
  number({ description: "x", choices: [{ name: "half", value: 0.5 }] });
  assert.throws(
    () => subcommandGroup({ description: "Empty", options: {} }),
    /holds no subcommand/,
  );
});

Deno.test("integer bounds and choices take Discord's INTEGER range -(2^53-1)..2^53-1; number choices too must be finite and within ±2^53", () => {
  const top = Number.MAX_SAFE_INTEGER; // 2^53 - 1
  integer({ description: "x", min: -top, max: top });
  integer({ description: "x", choices: [{ name: "top", value: top }] });
  for (const bad of [2 ** 53, -(2 ** 53)]) {
    assert.throws(() => integer({ description: "x", max: bad }), RangeError);
    assert.throws(() => integer({ description: "x", min: bad }), RangeError);
    assert.throws(
      () => integer({ description: "x", choices: [{ name: "c", value: bad }] }),
      (error: unknown) =>
        error instanceof RangeError && /2\^53-1/.test(error.message),
    );
  }
  number({ description: "x", min: -(2 ** 53), max: 2 ** 53 });
  number({ description: "x", choices: [{ name: "c", value: 2 ** 53 }] });
  for (const bad of [1e300, -(2 ** 53) - 2, Infinity, NaN]) {
    assert.throws(
      () => number({ description: "x", choices: [{ name: "c", value: bad }] }),
      RangeError,
      String(bad),
    );
  }
  assert.throws(() => number({ description: "x", max: 1e300 }), RangeError);
});

Deno.test("localization keys must be Discord's locales, and context-menu commands check their localized names (1-32 characters, any case, spaces)", () => {
  const notLocale = (key: string) => (error: unknown): boolean =>
    error instanceof TypeError && /not a Discord locale/.test(error.message) &&
    error.message.includes(`'${key}'`);
  assert.throws(
    () =>
      command({ name: "a", description: "d", nameLocalizations: { en: "b" } }),
    notLocale("en"),
  );
  assert.throws(
    () =>
      command({
        name: "a",
        description: "d",
        descriptionLocalizations: { "en-us": "b" },
      }),
    notLocale("en-us"),
  );
  assert.throws(
    () => string({ description: "d", nameLocalizations: { "xx-YY": "b" } }),
    notLocale("xx-YY"),
  );
  assert.throws(
    () =>
      string({
        description: "d",
        choices: [{ name: "a", value: "a", name_localizations: { en: "b" } }],
      }),
    notLocale("en"),
  );
  assert.throws(
    () => userCommand({ name: "Info", nameLocalizations: { zz: "Info" } }),
    notLocale("zz"),
  );
  // Every locale of Discord's reference ("Locales") is taken.
  const documented =
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru uk hi th zh-CN ja zh-TW ko"
      .split(" ");
  assert.equal(documented.length, 32);
  command({
    name: "a",
    description: "d",
    nameLocalizations: Object.fromEntries(documented.map((l) => [l, "b"])),
  });
  // Context-menu localized names: Discord's rules for those names.
  const menu = userCommand({
    name: "Info",
    nameLocalizations: { de: "Benutzer Info", "es-419": "Información" },
  });
  assert.deepEqual(menu.name_localizations, {
    de: "Benutzer Info",
    "es-419": "Información",
  });
  for (const name of ["", "x".repeat(33)]) {
    assert.throws(
      () => userCommand({ name: "Info", nameLocalizations: { fr: name } }),
      (error: unknown) =>
        error instanceof RangeError && /'fr' name/.test(error.message),
    );
    assert.throws(
      () => messageCommand({ name: "Quote", nameLocalizations: { de: name } }),
      RangeError,
    );
  }
});

Deno.test("an option named like an array index ('0', '7') is refused: JavaScript would move it first and reorder the options", () => {
  for (const name of ["0", "7", "12"]) {
    assert.throws(
      () =>
        command({
          name: "a",
          description: "d",
          options: {
            alpha: string({ description: "a" }),
            [name]: string({ description: "n" }),
          },
        }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.includes(`option name '${name}' is an integer`),
    );
  }
  assert.throws(
    () =>
      subcommandGroup({
        description: "g",
        options: { "1": subcommand({ description: "s" }) },
      }),
    /is an integer/,
  );
  // Not an array index: keeps its place.
  const kept = command({
    name: "a",
    description: "d",
    options: {
      alpha: string({ description: "a" }),
      "07": string({ description: "z" }),
      x1: string({ description: "x" }),
    },
  });
  assert.deepEqual(commandPayload(kept).options!.map((o) => o.name), [
    "alpha",
    "07",
    "x1",
  ]);
});

Deno.test("a channel option refuses channel types outside ChannelType, and keeps the documented ones", () => {
  for (const bad of [[99], [-1], [1.5], [6], ["0"]]) {
    assert.throws(
      () => channel({ description: "d", channelTypes: bad as never }),
      (error: unknown) =>
        error instanceof RangeError &&
        /'channelTypes' must hold only channel types \(ChannelType\) \(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16\): current entry /
          .test(error.message),
      JSON.stringify(bad),
    );
  }
  assert.throws(
    () => channel({ description: "d", channelTypes: 0 as never }),
    TypeError,
  );
  const ok = channel({ description: "d", channelTypes: [0, 5, 11, 16] });
  assert.deepEqual(ok.channel_types, [0, 5, 11, 16]);
});

Deno.test("an attachment option's fileTypes go out as file_types (Discord's file type filter: image, video, audio or .ext, at most 10); others are refused", () => {
  const ok = attachment({
    description: "d",
    fileTypes: ["image", ".pdf", ".tar.gz".slice(4)],
  });
  assert.deepEqual(ok.file_types, ["image", ".pdf", ".gz"]);
  assert.equal("file_types" in attachment({ description: "d" }), false);
  for (const bad of [["pdf"], ["."], [". pdf"], ["images"], [".a/b"]]) {
    assert.throws(
      () => attachment({ description: "d", fileTypes: bad }),
      (error: unknown) =>
        error instanceof RangeError &&
        /'fileTypes' entries must be image, video, audio or a dot-prefixed extension/
          .test(error.message),
      JSON.stringify(bad),
    );
  }
  assert.throws(
    () =>
      attachment({
        description: "d",
        fileTypes: Array.from({ length: 11 }, (_, i) => `.e${i}`),
      }),
    /at most 10 entries/,
  );
  assert.throws(
    () => attachment({ description: "d", fileTypes: [3] as never }),
    TypeError,
  );
});

Deno.test("commands refuse defaultMemberPermissions that are not a bit set, and contexts or integrationTypes outside Discord's values", () => {
  const define = (extra: Record<string, unknown>) => () =>
    command({ name: "a", description: "d", ...extra });
  for (const value of ["abc", "-1", "1.5", "", "0x8", " 8"]) {
    assert.throws(
      define({ defaultMemberPermissions: value }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message ===
          `Cannot define command 'a' as 'defaultMemberPermissions' must be a permission bit set (a bigint or integer >= 0, or a string of decimal digits): current value 'defaultMemberPermissions=${
            JSON.stringify(value)
          }'`,
      value,
    );
  }
  for (const value of [-1n, -1, 1.5, NaN]) {
    assert.throws(
      define({ defaultMemberPermissions: value }),
      RangeError,
      String(value),
    );
  }
  assert.throws(define({ defaultMemberPermissions: true }), TypeError);
  assert.throws(
    define({ contexts: [0, 7] }),
    /Cannot define command 'a' as 'contexts' must hold only interaction context types \(0, 1, 2\): current entry '7'/,
  );
  assert.throws(define({ contexts: [1.5] }), RangeError);
  assert.throws(define({ contexts: 1 }), TypeError);
  assert.throws(
    define({ integrationTypes: [2] }),
    /'integrationTypes' must hold only integration types \(0, 1\): current entry '2'/,
  );
  assert.throws(
    () => userCommand({ name: "Who", contexts: [3] as never }),
    RangeError,
  );
  assert.throws(
    () => messageCommand({ name: "Quote", defaultMemberPermissions: -8n }),
    RangeError,
  );
  // The documented values, and the permissions Discord serializes.
  const ok = command({
    name: "a",
    description: "d",
    defaultMemberPermissions: 8n,
    contexts: [0, 1, 2],
    integrationTypes: [0, 1],
  });
  assert.equal(ok.default_member_permissions, "8");
  assert.equal(
    command({ name: "b", description: "d", defaultMemberPermissions: "0" })
      .default_member_permissions,
    "0",
  );
  // Sent as Discord stores it: "0008" would look changed on every sync.
  for (const value of ["0008", "00", 8n]) {
    assert.equal(
      command({ name: "z", description: "d", defaultMemberPermissions: value })
        .default_member_permissions,
      String(BigInt(value)),
      String(value),
    );
  }
  assert.equal(
    command({ name: "c", description: "d", defaultMemberPermissions: null })
      .default_member_permissions,
    null,
  );
});

Deno.test("commands refuse an nsfw that is not a boolean, as every other field is checked", () => {
  for (const value of ["yes", 1, null, {}]) {
    assert.throws(
      () => command({ name: "a", description: "d", nsfw: value as never }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message ===
          `Cannot define command 'a' as 'nsfw' must be a boolean: current value 'nsfw=${
            typeof value === "string" ? JSON.stringify(value) : String(value)
          }'`,
      String(value),
    );
  }
  assert.throws(
    () => userCommand({ name: "Who", nsfw: "no" as never }),
    /Cannot define command 'Who' as 'nsfw' must be a boolean/,
  );
  assert.equal(command({ name: "a", description: "d", nsfw: true }).nsfw, true);
  assert.equal(
    messageCommand({ name: "Quote", nsfw: false }).nsfw,
    false,
  );
  assert.equal("nsfw" in command({ name: "a", description: "d" }), false);
});
