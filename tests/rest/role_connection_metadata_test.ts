// The application's role connection metadata records (`GET`/`PUT
// /applications/{id}/role-connections/metadata`), sent with the bot token:
// the exact request, the typed answer, and every record Discord's table
// says it would refuse, refused before anything is sent.
import assert from "node:assert/strict";
import { ApplicationRoleConnectionMetadataType as Oracle } from "discord-api-types/v10";
import * as api from "../../rest/mod.ts";
import {
  type ApplicationRoleConnectionMetadata,
  ApplicationRoleConnectionMetadataType,
  LOCALES,
} from "../../types/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { discordRecorder } from "./_discord_recorder.ts";

const TOKEN = "bot-token-for-role-connections";
const APP = "1006577651003457676";
const URL =
  `https://discord.com/api/v10/applications/${APP}/role-connections/metadata`;

const COOKIES: ApplicationRoleConnectionMetadata = {
  type: ApplicationRoleConnectionMetadataType.IntegerGreaterThanOrEqual,
  key: "cookies_eaten",
  name: "Cookies Eaten",
  name_localizations: { fr: "Cookies mangés", "pt-BR": "Biscoitos comidos" },
  description: "Cookies Eaten Greater Than",
  description_localizations: { de: "Mindestens so viele Kekse" },
};

function setup(answer: unknown = [COOKIES]): {
  rest: RestClient;
  discord: ReturnType<typeof discordRecorder>;
} {
  const discord = discordRecorder(answer);
  return {
    discord,
    rest: new RestClient({ token: TOKEN, fetch: discord.fetch, maxRetries: 0 }),
  };
}

/** A valid record under `key`. */
function record(
  key: string,
  extra: Partial<ApplicationRoleConnectionMetadata> = {},
): ApplicationRoleConnectionMetadata {
  return { type: 7, key, name: key, description: `has ${key}`, ...extra };
}

Deno.test("ApplicationRoleConnectionMetadataType has the docs' eight values, as discord-api-types has them", () => {
  assert.deepEqual(ApplicationRoleConnectionMetadataType, {
    IntegerLessThanOrEqual: 1,
    IntegerGreaterThanOrEqual: 2,
    IntegerEqual: 3,
    IntegerNotEqual: 4,
    DatetimeLessThanOrEqual: 5,
    DatetimeGreaterThanOrEqual: 6,
    BooleanEqual: 7,
    BooleanNotEqual: 8,
  });
  for (
    const [name, value] of Object.entries(ApplicationRoleConnectionMetadataType)
  ) {
    assert.equal(Oracle[name as keyof typeof Oracle], value, name);
  }
  // The same constant from the REST entry.
  assert.equal(api.ApplicationRoleConnectionMetadataType.BooleanNotEqual, 8);
});

Deno.test("getApplicationRoleConnectionMetadataRecords: GET with the bot token, no body, the records typed", async () => {
  const { rest, discord } = setup();
  const records = await api.getApplicationRoleConnectionMetadataRecords(
    rest,
    APP,
  );
  assert.deepEqual(discord.sent, [{
    method: "GET",
    url: URL,
    authorization: `Bot ${TOKEN}`,
    contentType: null,
    body: undefined,
  }]);
  assert.deepEqual(records, [COOKIES]);
  const type: ApplicationRoleConnectionMetadataType = records[0]!.type;
  assert.equal(type, 2);
});

Deno.test("updateApplicationRoleConnectionMetadataRecords: PUT with the bot token, the records as the body, Discord's answer typed", async () => {
  const { rest, discord } = setup();
  const five = [
    COOKIES,
    record("allergic_to_nuts"),
    record("first_cookie_baked", { type: 6 }),
    record("a".repeat(50)),
    record("x_9", {
      name: "😀".repeat(100),
      description: "é".repeat(200),
      name_localizations: { "es-419": "😀".repeat(100) },
      description_localizations: { ja: "あ".repeat(200), fr: undefined },
    }),
  ];
  const answer = await api.updateApplicationRoleConnectionMetadataRecords(
    rest,
    APP,
    five,
  );
  assert.deepEqual(answer, [COOKIES]);
  assert.equal(discord.sent.length, 1);
  const sent = discord.sent[0]!;
  assert.equal(sent.method, "PUT");
  assert.equal(sent.url, URL);
  assert.equal(sent.authorization, `Bot ${TOKEN}`);
  assert.equal(sent.contentType, "application/json");
  // The records as given (a translation left undefined is left out, as
  // JSON leaves it).
  assert.deepEqual(sent.body, JSON.parse(JSON.stringify(five)));
  assert.equal(
    (sent.body as ApplicationRoleConnectionMetadata[])[4]!
      .description_localizations!.fr,
    undefined,
  );

  // An empty list removes every record; every locale Discord knows is a key.
  await api.updateApplicationRoleConnectionMetadataRecords(rest, APP, []);
  assert.deepEqual(discord.sent[1]!.body, []);
  const everyLocale = Object.fromEntries(LOCALES.map((l) => [l, l]));
  await api.updateApplicationRoleConnectionMetadataRecords(rest, APP, [
    record("all", { name_localizations: everyLocale }),
  ]);
  assert.equal(discord.sent.length, 3);
});

/** A call refused with `error` (class and message), nothing sent. */
async function refused(
  records: unknown,
  error: { name: "TypeError" | "RangeError"; message: string | RegExp },
): Promise<void> {
  const { rest, discord } = setup();
  await assert.rejects(
    api.updateApplicationRoleConnectionMetadataRecords(
      rest,
      APP,
      records as ApplicationRoleConnectionMetadata[],
    ),
    (thrown: unknown) => {
      assert.ok(thrown instanceof Error);
      assert.equal(thrown.name, error.name, thrown.message);
      if (typeof error.message === "string") {
        assert.equal(thrown.message, error.message);
      } else assert.match(thrown.message, error.message);
      return true;
    },
  );
  assert.equal(discord.sent.length, 0, "a refused call sent a request");
}

const ACTION = "Cannot update role connection metadata as";

Deno.test("updateApplicationRoleConnectionMetadataRecords refuses a list that is no array or has more than 5 records", async () => {
  for (
    const [records, shown] of [[{}, "object"], [null, "null"], [
      undefined,
      "undefined",
    ], ["x", "x"]] as const
  ) {
    await refused(records, {
      name: "TypeError",
      message:
        `${ACTION} 'records' must be an array of metadata records: current value 'records=${shown}'`,
    });
  }
  await refused(
    ["a", "b", "c", "d", "e", "f"].map((key) => record(key)),
    {
      name: "RangeError",
      message:
        `${ACTION} 'records' must hold at most 5 records (an application's most): current count '6'`,
    },
  );
  // deno-lint-ignore no-sparse-arrays -- a hole is sent as null
  await refused([, record("a")], {
    name: "TypeError",
    message:
      `${ACTION} 'records[0]' must be an object: current value 'records[0]=undefined'`,
  });
  await refused([record("a"), null], {
    name: "TypeError",
    message:
      `${ACTION} 'records[1]' must be an object: current value 'records[1]=null'`,
  });
});

Deno.test("updateApplicationRoleConnectionMetadataRecords refuses a key not of 1-50 a-z, 0-9 and _", async () => {
  const rule = "must be 1-50 characters of a-z, 0-9 and _";
  for (const key of ["Cookies", "cookies-eaten", "cookies eaten", "é", "a\n"]) {
    await refused([record(key)], {
      name: "TypeError",
      message:
        `${ACTION} 'records[0].key' ${rule}: current value 'records[0].key=${
          JSON.stringify(key)
        }'`,
    });
  }
  await refused([record("a"), { ...record("b"), key: 5 }], {
    name: "TypeError",
    message:
      `${ACTION} 'records[1].key' ${rule}: current value 'records[1].key=5'`,
  });
  await refused([record("")], {
    name: "RangeError",
    message: `${ACTION} 'records[0].key' ${rule}: current length '0'`,
  });
  await refused([record("a".repeat(51))], {
    name: "RangeError",
    message: `${ACTION} 'records[0].key' ${rule}: current length '51'`,
  });
});

Deno.test("updateApplicationRoleConnectionMetadataRecords refuses two records under one key (a user's values are kept by key)", async () => {
  await refused([record("level"), record("xp"), record("level", { type: 2 })], {
    name: "TypeError",
    message:
      `${ACTION} 'records[2].key' must differ from every other record's (a user's values are kept by key), as 'records[0].key' is the same: current value 'records[2].key="level"'`,
  });
});

Deno.test("updateApplicationRoleConnectionMetadataRecords refuses a type that is none of the eight", async () => {
  for (
    const [type, shown] of [[0, "0"], [9, "9"], [1.5, "1.5"], ["1", '"1"'], [
      undefined,
      "undefined",
    ], [null, "null"]] as const
  ) {
    await refused([record("a", { type: type as never })], {
      name: "TypeError",
      message:
        `${ACTION} 'records[0].type' must be an ApplicationRoleConnectionMetadataType, an integer from 1 to 8: current value 'records[0].type=${shown}'`,
    });
  }
});

Deno.test("updateApplicationRoleConnectionMetadataRecords refuses a name or description empty, too long (in code points) or no string", async () => {
  await refused([record("a", { name: "" })], {
    name: "RangeError",
    message:
      `${ACTION} 'records[0].name' must be a string of 1 to 100 characters: current length '0'`,
  });
  await refused([record("a", { name: "😀".repeat(101) })], {
    name: "RangeError",
    message:
      `${ACTION} 'records[0].name' must be a string of 1 to 100 characters: current length '101'`,
  });
  await refused([record("a", { name: 5 as never })], {
    name: "TypeError",
    message:
      `${ACTION} 'records[0].name' must be a string of 1 to 100 characters: current value 'records[0].name=5'`,
  });
  await refused([record("a", { description: "" })], {
    name: "RangeError",
    message:
      `${ACTION} 'records[0].description' must be a string of 1 to 200 characters: current length '0'`,
  });
  await refused([record("a", { description: "d".repeat(201) })], {
    name: "RangeError",
    message:
      `${ACTION} 'records[0].description' must be a string of 1 to 200 characters: current length '201'`,
  });
  await refused([{ type: 1, key: "a", name: "A" }], {
    name: "TypeError",
    message:
      `${ACTION} 'records[0].description' must be a string of 1 to 200 characters: current value 'records[0].description=undefined'`,
  });
});

Deno.test("updateApplicationRoleConnectionMetadataRecords refuses a translation keyed by anything but a Discord locale, or of the wrong length", async () => {
  for (const locale of ["en", "en-us", "pt", "xx"]) {
    await refused([
      record("a", { name_localizations: { [locale]: "x" } as never }),
    ], {
      name: "TypeError",
      message:
        `${ACTION} 'records[0].name_localizations' has a key that is not a Discord locale (${
          LOCALES.join(", ")
        }): current value '${JSON.stringify(locale)}'`,
    });
  }
  await refused([
    record("a", { description_localizations: { EN: "x" } as never }),
  ], {
    name: "TypeError",
    message:
      /^Cannot update role connection metadata as 'records\[0\]\.description_localizations' has a key that is not a Discord locale \(id, da, de, en-GB, en-US, .*\): current value '"EN"'$/,
  });
  await refused([record("a", { name_localizations: { fr: "" } })], {
    name: "RangeError",
    message:
      `${ACTION} 'records[0].name_localizations.fr' must be a string of 1 to 100 characters: current length '0'`,
  });
  await refused(
    [record("a", { name_localizations: { fr: "n".repeat(101) } })],
    {
      name: "RangeError",
      message:
        `${ACTION} 'records[0].name_localizations.fr' must be a string of 1 to 100 characters: current length '101'`,
    },
  );
  await refused([
    record("a", { description_localizations: { de: "d".repeat(201) } }),
  ], {
    name: "RangeError",
    message:
      `${ACTION} 'records[0].description_localizations.de' must be a string of 1 to 200 characters: current length '201'`,
  });
  await refused([record("a", { name_localizations: { fr: null } as never })], {
    name: "TypeError",
    message:
      `${ACTION} 'records[0].name_localizations.fr' must be a string of 1 to 100 characters: current value 'records[0].name_localizations.fr=null'`,
  });
  for (
    const [map, shown] of [[new Map([["fr", "x"]]), "Map"], [["x"], "array"], [
      "fr",
      "fr",
    ]] as const
  ) {
    await refused([record("a", { name_localizations: map as never })], {
      name: "TypeError",
      message:
        `${ACTION} 'records[0].name_localizations' must be an object keyed by Discord locales: current value 'records[0].name_localizations=${shown}'`,
    });
  }
});

Deno.test("updateApplicationRoleConnectionMetadataRecords sends a null translation map as given (Discord may answer an unset one so)", async () => {
  const { rest, discord } = setup();
  const records = [record("a", { name_localizations: null as never })];
  await api.updateApplicationRoleConnectionMetadataRecords(rest, APP, records);
  assert.deepEqual(discord.sent[0]!.body, records);
});

Deno.test("the metadata routes refuse an application id that is no snowflake and a misspelt option, and send nothing", async () => {
  const { rest, discord } = setup();
  for (const id of ["", "me", "1/../2", null]) {
    await assert.rejects(
      api.getApplicationRoleConnectionMetadataRecords(rest, id as string),
      { name: "TypeError", message: /^Cannot build route as 'applicationId'/ },
    );
    await assert.rejects(
      api.updateApplicationRoleConnectionMetadataRecords(
        rest,
        id as string,
        [],
      ),
      { name: "TypeError", message: /^Cannot build route as 'applicationId'/ },
    );
  }
  await assert.rejects(
    api.updateApplicationRoleConnectionMetadataRecords(rest, APP, [], {
      signl: AbortSignal.abort(),
    } as never),
    {
      name: "TypeError",
      message:
        "Cannot build route as 'signl' is not one of its options (did you mean 'signal'?)",
    },
  );
  await assert.rejects(
    api.getApplicationRoleConnectionMetadataRecords(rest, APP, {
      reason: "audit",
    } as never),
    {
      name: "TypeError",
      message: /^Cannot build route as 'reason' is not one of its options/,
    },
  );
  assert.equal(discord.sent.length, 0);
});

Deno.test("Discord's 400 to the records comes back as a DiscordApiError with its field errors", async () => {
  const { rest, discord } = setup();
  discord.answer(400, {
    code: 50035,
    message: "Invalid Form Body",
    errors: {
      "0": {
        key: {
          _errors: [{
            code: "BASE_TYPE_BAD_LENGTH",
            message: "Must be between 1 and 50 in length.",
          }],
        },
      },
    },
  });
  const error = await api.updateApplicationRoleConnectionMetadataRecords(
    rest,
    APP,
    [record("a")],
  ).catch((e) => e);
  assert.ok(error instanceof DiscordApiError, String(error));
  assert.equal(error.status, 400);
  assert.equal(error.code, 50035);
  assert.match(error.message, /Must be between 1 and 50 in length/);
  assert.equal(discord.sent.length, 1);
});
