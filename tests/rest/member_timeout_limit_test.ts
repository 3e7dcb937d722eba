/**
 * Checks before sending that need more than a range: a member's timeout
 * (`communication_disabled_until`, "up to 28 days in the future") against
 * an injected clock with a minute of leeway, and Bulk Delete Messages'
 * repeated IDs ("will fail with a 400 BAD REQUEST if [...] any duplicate
 * message IDs are provided"). Refusals send nothing.
 */
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import { answering, API } from "./_answering_discord.ts";

const G = "100000000000000002";
const U = "100000000000000005";
const C = "100000000000000001";
const DAY = 86_400_000;
/** 2026-01-01T00:00:00Z, the injected clock's time. */
const NOW = Date.UTC(2026, 0, 1);
const clock = { now: (): number => NOW };
const at = (ms: number): string => new Date(ms).toISOString();
/** The leeway for clock skew: a minute. */
const LEEWAY = 60_000;

/** A client answering every request 200 `{}`. */
function discord(): ReturnType<typeof answering> {
  return answering(() => Response.json({}));
}

Deno.test("modifyGuildMember: a timeout up to 28 days (and a minute) ahead, in the past, or null is sent as given", async () => {
  assert.equal(api.MAX_MEMBER_TIMEOUT, 28 * DAY);
  const { rest, sent } = discord();
  const values = [
    at(NOW + 28 * DAY + LEEWAY),
    at(NOW + 28 * DAY),
    at(NOW + 1000),
    at(NOW - DAY), // past: ends a timeout
    "2026-01-29", // a date alone, UTC midnight: 28 days ahead
    "2026-01-29T00:01:00+00:00",
    null,
  ];
  for (const value of values) {
    await api.modifyGuildMember(rest, G, U, {
      communication_disabled_until: value,
    }, { ...clock, reason: "spam" });
  }
  assert.deepEqual(
    sent.map((r) => [r.method, r.url, r.headers.get("x-audit-log-reason")]),
    values.map(() => ["PATCH", `${API}/guilds/${G}/members/${U}`, "spam"]),
  );
  assert.deepEqual(
    sent.map((r) => r.body),
    values.map((value) => ({ communication_disabled_until: value })),
  );
});

Deno.test("modifyGuildMember: a Date is checked by its time and sent as its ISO 8601 text", async () => {
  const { rest, sent } = discord();
  const date = new Date(NOW + 7 * DAY);
  await api.modifyGuildMember(rest, G, U, {
    communication_disabled_until: date as unknown as string,
  }, clock);
  assert.deepEqual(sent[0]!.body, {
    communication_disabled_until: "2026-01-08T00:00:00.000Z",
  });
  await assert.rejects(
    api.modifyGuildMember(rest, G, U, {
      communication_disabled_until: new Date(
        NOW + 29 * DAY,
      ) as unknown as string,
    }, clock),
    RangeError,
  );
  await assert.rejects(
    api.modifyGuildMember(rest, G, U, {
      communication_disabled_until: new Date(NaN) as unknown as string,
    }, clock),
    TypeError,
  );
  assert.equal(sent.length, 1);
});

Deno.test("modifyGuildMember: a timeout past 28 days and a minute, or no timestamp, is refused unsent", async () => {
  const { rest, sent } = discord();
  const cases: [unknown, string, RegExp][] = [
    [
      at(NOW + 28 * DAY + LEEWAY + 1),
      "RangeError",
      /^Cannot modify guild member as 'communication_disabled_until' must be at most 28 days from now \(Discord's limit; a minute allowed for clock skew\): current value 'communication_disabled_until="2026-01-29T00:01:00.001Z"' \(28\.00 days ahead\)$/,
    ],
    [at(NOW + 365 * DAY), "RangeError", /365\.00 days ahead/],
    ...["next tuesday", "", "2026-02-30", "March 7, 2026"].map((
      value,
    ): [unknown, string, RegExp] => [
      value,
      "TypeError",
      /must be an ISO 8601 timestamp string of a real date, or null: current value 'communication_disabled_until=/,
    ]),
    [NOW + DAY, "TypeError", /current value 'communication_disabled_until=/],
  ];
  for (const [value, name, message] of cases) {
    await assert.rejects(
      api.modifyGuildMember(rest, G, U, {
        nick: "x",
        communication_disabled_until: value as string,
      }, clock),
      (error: Error) => {
        assert.equal(error.name, name, String(value));
        assert.match(error.message, message);
        return true;
      },
    );
  }
  assert.equal(sent.length, 0);
});

Deno.test("modifyGuildMember: the clock is read only for a timeout, and a wrong one or a misspelt option is refused", async () => {
  const { rest, sent } = discord();
  let reads = 0;
  const counted = (): number => (reads++, NOW);
  await api.modifyGuildMember(rest, G, U, { nick: "a" }, { now: counted });
  await api.modifyGuildMember(rest, G, U, {
    communication_disabled_until: null,
  }, { now: counted });
  assert.equal(reads, 0);
  assert.equal(sent.length, 2);
  const timeout = { communication_disabled_until: at(NOW) };
  await assert.rejects(
    api.modifyGuildMember(rest, G, U, timeout, {
      now: 5 as unknown as () => number,
    }),
    {
      name: "TypeError",
      message:
        "Cannot modify guild member as 'now' must be a function returning Unix milliseconds: current value 'now=5'",
    },
  );
  await assert.rejects(
    api.modifyGuildMember(rest, G, U, timeout, { now: () => NaN }),
    {
      name: "TypeError",
      message:
        "Cannot modify guild member as 'now' must return Unix milliseconds (a finite number): current value 'now()=NaN'",
    },
  );
  await assert.rejects(
    api.modifyGuildMember(rest, G, U, timeout, { noww: () => NOW } as never),
    TypeError,
  );
  assert.equal(sent.length, 2);
});

Deno.test("modifyGuildMember: without `now`, the real clock: a week ahead is sent, a year ahead refused", async () => {
  const { rest, sent } = discord();
  await api.modifyGuildMember(rest, G, U, {
    communication_disabled_until: at(Date.now() + 7 * DAY),
  });
  await assert.rejects(
    api.modifyGuildMember(rest, G, U, {
      communication_disabled_until: at(Date.now() + 365 * DAY),
    }),
    RangeError,
  );
  assert.equal(sent.length, 1);
});

Deno.test("bulkDeleteMessages: an ID given twice is refused unsent, naming both places", async () => {
  const { rest, sent } = discord();
  const a = "100000000000000010";
  const b = "100000000000000011";
  await assert.rejects(
    api.bulkDeleteMessages(rest, C, { messages: [a, b, a] }),
    {
      name: "RangeError",
      message:
        `Cannot bulk delete messages as 'messages' must not repeat an ID (Discord refuses duplicates): current value 'messages[2]="${a}"' (also messages[0])`,
    },
  );
  assert.equal(sent.length, 0);
  // An ID that is no snowflake is counted and sent, as the docs say.
  await api.bulkDeleteMessages(rest, C, { messages: [a, "invalid"] }, {
    reason: "r",
  });
  assert.deepEqual(sent[0]!.body, { messages: [a, "invalid"] });
  assert.equal(sent[0]!.url, `${API}/channels/${C}/messages/bulk-delete`);
  assert.equal(sent[0]!.headers.get("x-audit-log-reason"), "r");
});
