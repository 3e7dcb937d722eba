// FakeRest refuses what Discord refuses, with Discord's answer, and never
// lets a request crash the fake: a bulk ban that bans no one (400 500000), a
// page cursor that is no snowflake (400 50035 NUMBER_TYPE_COERCE), a reaction
// emoji that is neither Unicode nor name:id (400 10014, on every reaction
// route), a limit under 1
// (NUMBER_TYPE_MIN). A route that throws answers a JSON 500 naming the bug,
// as the loopback server does, instead of rejecting the fetch (which the
// client would take for a network failure and retry).
import assert from "node:assert/strict";
import type { RestUser } from "../../rest/payloads.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";
import { BASE, CHANNEL, GUILD, oneChannel } from "./_one_channel.ts";

const ADA = "100000000000000010";
const BOB = "100000000000000011";

function user(id: string, username: string): RestUser {
  return { id, username, discriminator: "0", global_name: null, avatar: null };
}

/** The fake's answer to one call with the bot token: status and JSON body (null when empty). */
async function call(
  fake: FakeRest,
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; json: any }> {
  const response = await fake.fetch(`${BASE}${path}`, {
    method,
    headers: {
      authorization: "Bot fake-bot-token",
      "content-type": "application/json",
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text === "" ? null : JSON.parse(text),
  };
}

function scene(): ReturnType<typeof oneChannel> {
  const made = oneChannel();
  made.fake.resources.addMember(GUILD, user(ADA, "ada"));
  made.fake.resources.addMember(GUILD, user(BOB, "bob"));
  return made;
}

Deno.test("FakeRest answers a bulk ban that bans no one with 400 500000, not a crash", async () => {
  const { fake } = scene();
  const answer = await call(fake, "POST", `/guilds/${GUILD}/bulk-ban`, {
    user_ids: ["123456789012345678"],
  });
  assert.deepEqual(answer, {
    status: 400,
    json: { code: 500000, message: "Failed to ban users" },
  });
});

Deno.test("FakeRest counts an already-banned user of a bulk ban as failed", async () => {
  const { fake } = scene();
  assert.equal(
    (await call(fake, "PUT", `/guilds/${GUILD}/bans/${ADA}`, {})).status,
    204,
  );
  assert.deepEqual(
    await call(fake, "POST", `/guilds/${GUILD}/bulk-ban`, {
      user_ids: [ADA, BOB],
    }),
    { status: 200, json: { banned_users: [BOB], failed_users: [ADA] } },
  );
  // Everyone already banned: no one could be banned.
  assert.deepEqual(
    await call(fake, "POST", `/guilds/${GUILD}/bulk-ban`, {
      user_ids: [ADA, BOB],
    }),
    { status: 400, json: { code: 500000, message: "Failed to ban users" } },
  );
  // A single ban of a banned user stays a 204, as Discord's.
  assert.equal(
    (await call(fake, "PUT", `/guilds/${GUILD}/bans/${ADA}`, {})).status,
    204,
  );
  assert.deepEqual(fake.resources.bans(GUILD).sort(), [ADA, BOB]);
});

Deno.test("FakeRest refuses a page cursor that is no snowflake with 400 50035 NUMBER_TYPE_COERCE", async () => {
  const { fake } = scene();
  const cases: [string, string, string][] = [
    [`/guilds/${GUILD}/members`, "after", "abc"],
    [`/guilds/${GUILD}/members`, "after", "1.5"],
    [`/channels/${CHANNEL}/messages`, "before", "latest"],
    [`/channels/${CHANNEL}/messages`, "after", "1.5"],
    [`/channels/${CHANNEL}/messages`, "around", "abc"],
    [`/channels/${CHANNEL}/messages`, "before", "123456789012345678901"],
  ];
  for (const [path, field, value] of cases) {
    assert.deepEqual(
      await call(fake, "GET", `${path}?${field}=${value}`),
      {
        status: 400,
        json: {
          code: 50035,
          message: "Invalid Form Body",
          errors: {
            [field]: {
              _errors: [{
                code: "NUMBER_TYPE_COERCE",
                message: `Value "${value}" is not snowflake.`,
              }],
            },
          },
        },
      },
      `${path} ${field}=${value}`,
    );
  }
  // Snowflakes still page (the bot, a member too, has the largest ID).
  const members = await call(
    fake,
    "GET",
    `/guilds/${GUILD}/members?after=${ADA}&limit=10`,
  );
  assert.deepEqual(members.json.map((m: { user: RestUser }) => m.user.id), [
    BOB,
    fake.botUser.id,
  ]);
  assert.equal(
    (await call(fake, "GET", `/channels/${CHANNEL}/messages?before=${BOB}`))
      .status,
    200,
  );
});

Deno.test("FakeRest answers a limit under 1 with NUMBER_TYPE_MIN, over the top with NUMBER_TYPE_MAX", async () => {
  const { fake } = scene();
  const limitError = (code: string, message: string) => ({
    status: 400,
    json: {
      code: 50035,
      message: "Invalid Form Body",
      errors: { limit: { _errors: [{ code, message }] } },
    },
  });
  const atLeastOne = limitError(
    "NUMBER_TYPE_MIN",
    "int value should be greater than or equal to 1.",
  );
  for (
    const path of [`/guilds/${GUILD}/members`, `/channels/${CHANNEL}/messages`]
  ) {
    assert.deepEqual(
      await call(fake, "GET", `${path}?limit=0`),
      atLeastOne,
      path,
    );
    assert.deepEqual(
      await call(fake, "GET", `${path}?limit=-3`),
      atLeastOne,
      path,
    );
  }
  assert.deepEqual(
    await call(fake, "GET", `/guilds/${GUILD}/members?limit=1001`),
    limitError(
      "NUMBER_TYPE_MAX",
      "int value should be less than or equal to 1000.",
    ),
  );
  assert.deepEqual(
    await call(fake, "GET", `/channels/${CHANNEL}/messages?limit=101`),
    limitError(
      "NUMBER_TYPE_MAX",
      "int value should be less than or equal to 100.",
    ),
  );
  assert.equal(
    (await call(fake, "GET", `/guilds/${GUILD}/members?limit=1000`)).status,
    200,
  );
  assert.equal(
    (await call(fake, "GET", `/channels/${CHANNEL}/messages?limit=1`)).status,
    200,
  );
});

Deno.test("FakeRest takes a reaction emoji only as Unicode emoji or name:id, else 400 10014", async () => {
  const { fake, rest } = scene();
  const message = await rest.createMessage(CHANNEL, { content: "react" });
  const react = (emoji: string) =>
    call(
      fake,
      "PUT",
      `/channels/${CHANNEL}/messages/${message.id}/reactions/${emoji}/@me`,
    );
  const unknownEmoji = {
    status: 400,
    json: { code: 10014, message: "Unknown Emoji" },
  };
  for (const name of ["thumbsup", "%3Athumbsup%3A", "1", "x", "%E0%A4"]) {
    assert.deepEqual(await react(name), unknownEmoji, name);
  }
  const accepted = [
    "👍", // one code point
    "❤️", // with its variation selector
    "1️⃣", // keycap
    "🇫🇷", // flag
    "👩‍💻", // ZWJ sequence
    "👍🏽", // skin tone
    "🇦", // a lone regional indicator: poll bots' letters
    "❤", // a pictograph without its U+FE0F
    "1⃣", // a keycap without its U+FE0F
  ];
  for (const emoji of accepted) {
    assert.equal((await react(encodeURIComponent(emoji))).status, 204, emoji);
  }
  assert.equal((await react("party%3A123456")).status, 204, "name:id");
  assert.deepEqual(
    Object.keys(fake.resources.reactions(message.id)).sort(),
    [...accepted, "party:123456"].sort(),
  );
});

Deno.test("FakeRest answers 400 10014 to a malformed emoji on the reaction listing and removal routes too, not a 500", async () => {
  const { fake, rest } = scene();
  const message = await rest.createMessage(CHANNEL, { content: "react" });
  const path = `/channels/${CHANNEL}/messages/${message.id}/reactions/%E0%A4`;
  for (const [method, route] of [["GET", path], ["DELETE", path]] as const) {
    assert.deepEqual(await call(fake, method, route), {
      status: 400,
      json: { code: 10014, message: "Unknown Emoji" },
    }, method);
  }
});

Deno.test("FakeRest answers a route that throws with a JSON 500 naming the bug, not a rejected fetch", async () => {
  const { fake } = scene();
  // A route that throws: here the message hook does, inside Create Message.
  fake.onMessageCreate = () => {
    throw new RangeError("a bug in a route");
  };
  const answer = await call(fake, "POST", `/channels/${CHANNEL}/messages`, {
    content: "x",
  });
  assert.equal(answer.status, 500);
  assert.equal(answer.json.code, 0);
  assert.match(
    answer.json.message,
    /^FakeRest failed: RangeError: a bug in a route/,
  );
});
