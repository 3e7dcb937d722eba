/**
 * Modify Guild Incident Actions, built to Discord's guild.mdx: PUT
 * /guilds/{guild.id}/incident-actions with its two timestamps, answered
 * with the incidents data; each timestamp an ISO 8601 one of a real date
 * or `null`, and at most 24 hours ahead, checked before sending against an
 * injected clock (`now`), with a minute of tolerance for clock skew. Both
 * are required: Discord takes a field left out as `null`.
 */
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type { IncidentsData } from "../../rest/mod.ts";
import { answering, API } from "./_answering_discord.ts";

const GUILD = "100000000000000001";
const HOUR = 3_600_000;
/** 2026-01-01T00:00:00Z, the injected clock's time. */
const NOW = Date.UTC(2026, 0, 1);
const clock = { now: (): number => NOW };
const at = (ms: number): string => new Date(ms).toISOString();
/** A body pausing invites until `until`, DMs not. */
const invites = (until: unknown): api.ModifyGuildIncidentActionsBody => ({
  invites_disabled_until: until as string,
  dms_disabled_until: null,
});
/** A body pausing DMs until `until`, invites not. */
const dms = (until: unknown): api.ModifyGuildIncidentActionsBody => ({
  invites_disabled_until: null,
  dms_disabled_until: until as string,
});

/** A client answering as Discord does: the body back, as incidents data. */
function discord(): ReturnType<typeof answering> {
  return answering((request) =>
    Response.json(
      {
        invites_disabled_until: null,
        dms_disabled_until: null,
        ...(request.body as object),
        raid_detected_at: "2025-12-31T23:50:00.000000+00:00",
      } satisfies IncidentsData,
    )
  );
}

Deno.test("modifyGuildIncidentActions: PUT /guilds/{guild.id}/incident-actions with the timestamps as JSON, answered with the incidents data", async () => {
  const { rest, sent } = discord();
  const body = {
    invites_disabled_until: at(NOW + 6 * HOUR),
    dms_disabled_until: at(NOW + 24 * HOUR),
  };
  const data = await api.modifyGuildIncidentActions(rest, GUILD, body, clock);
  assert.equal(sent.length, 1);
  const request = sent[0]!;
  assert.equal(request.method, "PUT");
  assert.equal(request.url, `${API}/guilds/${GUILD}/incident-actions`);
  assert.equal(request.headers.get("content-type"), "application/json");
  assert.equal(request.headers.get("x-audit-log-reason"), null);
  assert.deepEqual(request.body, {
    invites_disabled_until: "2026-01-01T06:00:00.000Z",
    dms_disabled_until: "2026-01-02T00:00:00.000Z",
  });
  const until: string | null = data.invites_disabled_until;
  const raid: string | null | undefined = data.raid_detected_at;
  assert.equal(until, "2026-01-01T06:00:00.000Z");
  assert.equal(raid, "2025-12-31T23:50:00.000000+00:00");
});

Deno.test("null ends an action; a field left out is refused (Discord takes it as null, ending that action), nothing sent", async () => {
  const { rest, sent } = discord();
  await api.modifyGuildIncidentActions(rest, GUILD, {
    invites_disabled_until: null,
    dms_disabled_until: null,
  }, clock);
  assert.deepEqual(sent[0]!.body, {
    invites_disabled_until: null,
    dms_disabled_until: null,
  });
  for (
    const [body, field] of [
      [{ dms_disabled_until: at(NOW + HOUR) }, "invites_disabled_until"],
      [{ invites_disabled_until: at(NOW + HOUR) }, "dms_disabled_until"],
      [{}, "invites_disabled_until"],
      [
        { invites_disabled_until: undefined, dms_disabled_until: null },
        "invites_disabled_until",
      ],
    ] as const
  ) {
    await assert.rejects(
      api.modifyGuildIncidentActions(rest, GUILD, body as never, clock),
      {
        name: "TypeError",
        message:
          `Cannot modify guild incident actions as '${field}' must be given, an ISO 8601 timestamp or null: Discord takes a field left out as null, ending that action`,
      },
    );
  }
  assert.equal(sent.length, 1);
});

Deno.test("the 24 hours are checked against the injected clock, with a minute's tolerance: past it refused, nothing sent", async () => {
  const { rest, sent } = discord();
  const edge = NOW + 24 * HOUR + api.INCIDENT_ACTION_CLOCK_TOLERANCE;
  assert.equal(api.MAX_INCIDENT_ACTION_DURATION, 24 * HOUR);
  assert.equal(api.INCIDENT_ACTION_CLOCK_TOLERANCE, 60_000);
  // 24 hours and a minute ahead still go (the clocks may differ).
  await api.modifyGuildIncidentActions(rest, GUILD, invites(at(edge)), clock);
  assert.equal(sent.length, 1);
  // A millisecond more is refused, on either field.
  await assert.rejects(
    api.modifyGuildIncidentActions(rest, GUILD, invites(at(edge + 1)), clock),
    {
      name: "RangeError",
      message:
        `Cannot modify guild incident actions as 'invites_disabled_until' must be at most 24 hours from now (Discord's limit; a minute allowed for clock skew): current value 'invites_disabled_until="2026-01-02T00:01:00.001Z"' (24.02 hours ahead)`,
    },
  );
  await assert.rejects(
    api.modifyGuildIncidentActions(rest, GUILD, {
      invites_disabled_until: null,
      dms_disabled_until: at(NOW + 48 * HOUR),
    }, clock),
    (error: unknown) =>
      error instanceof RangeError &&
      error.message.includes(`'dms_disabled_until="2026-01-03T00:00:00.000Z"'`),
  );
  // The same time is fine once the clock has moved on a day.
  await api.modifyGuildIncidentActions(rest, GUILD, dms(at(NOW + 48 * HOUR)), {
    now: () => NOW + 24 * HOUR,
  });
  assert.equal(sent.length, 2);
  // A time in the past is Discord's to judge (the docs say nothing of it).
  await api.modifyGuildIncidentActions(
    rest,
    GUILD,
    invites(at(NOW - HOUR)),
    clock,
  );
  assert.equal(sent.length, 3);
});

Deno.test("a timestamp's offset counts: 01:00+02:00 is 23 hours ahead, 03:00-02:00 is 29", async () => {
  const { rest, sent } = discord();
  await api.modifyGuildIncidentActions(
    rest,
    GUILD,
    invites("2026-01-02T01:00:00+02:00"),
    clock,
  );
  assert.deepEqual(sent[0]!.body, {
    invites_disabled_until: "2026-01-02T01:00:00+02:00",
    dms_disabled_until: null,
  });
  await assert.rejects(
    api.modifyGuildIncidentActions(
      rest,
      GUILD,
      invites("2026-01-02T03:00:00-02:00"),
      clock,
    ),
    (error: unknown) =>
      error instanceof RangeError &&
      error.message.endsWith("(29.00 hours ahead)"),
  );
  // Discord's own form (microseconds, +00:00) is read too.
  await api.modifyGuildIncidentActions(
    rest,
    GUILD,
    dms("2026-01-01T14:48:02.222000+00:00"),
    clock,
  );
  assert.equal(sent.length, 2);
});

Deno.test("a value that is no ISO 8601 timestamp of a real date is a TypeError, nothing sent", async () => {
  const { rest, sent } = discord();
  const refused: [unknown, string][] = [
    ["tomorrow", `current value 'invites_disabled_until="tomorrow"'`],
    ["2026-02-30T00:00:00Z", "2026-02-30"],
    ["January 1, 2026", "January"],
    [NOW + HOUR, `current value 'invites_disabled_until=${NOW + HOUR}'`],
    [
      new Date(NOW + HOUR),
      "or null (give date.toISOString()): current value 'invites_disabled_until=Date'",
    ],
    ["", `'invites_disabled_until=""'`],
  ];
  for (const [value, part] of refused) {
    await assert.rejects(
      api.modifyGuildIncidentActions(
        rest,
        GUILD,
        invites(value as string),
        clock,
      ),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith(
          "Cannot modify guild incident actions as 'invites_disabled_until' must be an ISO 8601 timestamp string of a real date, or null",
        ) && error.message.includes(part),
      String(value),
    );
  }
  for (const body of [null, "{}", []]) {
    await assert.rejects(
      api.modifyGuildIncidentActions(rest, GUILD, body as never, clock),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith(
          "Cannot modify guild incident actions as 'body' must be an object",
        ),
    );
  }
  assert.equal(sent.length, 0);
});

Deno.test("the clock option: not a function, or a time that is no finite number, is a TypeError; a misspelt key too", async () => {
  const { rest, sent } = discord();
  const soon = invites(at(NOW + HOUR));
  await assert.rejects(
    api.modifyGuildIncidentActions(rest, GUILD, soon, { now: NOW } as never),
    {
      name: "TypeError",
      message:
        `Cannot modify guild incident actions as 'now' must be a function returning Unix milliseconds: current value 'now=${NOW}'`,
    },
  );
  for (const time of [NaN, Infinity, "1767225600000", undefined]) {
    await assert.rejects(
      api.modifyGuildIncidentActions(rest, GUILD, soon, {
        now: () => time as number,
      }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith(
          "Cannot modify guild incident actions as 'now' must return Unix milliseconds (a finite number): current value 'now()=",
        ),
    );
  }
  await assert.rejects(
    api.modifyGuildIncidentActions(
      rest,
      GUILD,
      soon,
      { nwo: clock.now } as never,
    ),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message.startsWith(
        "Cannot build route as 'nwo' is not one of its options",
      ) && error.message.includes("'now'"),
  );
  // No audit-log reason: the docs list none for this route.
  await assert.rejects(
    api.modifyGuildIncidentActions(rest, GUILD, soon, {
      reason: "raid",
    } as never),
    TypeError,
  );
  await assert.rejects(
    api.modifyGuildIncidentActions(rest, "guild", soon, clock),
    TypeError,
  );
  assert.equal(sent.length, 0);
});

Deno.test("without a clock given the real one is used (margins of hours, not flaky)", async () => {
  const { rest, sent } = discord();
  const real = Date.now();
  await api.modifyGuildIncidentActions(rest, GUILD, invites(at(real + HOUR)));
  assert.equal(sent.length, 1);
  await assert.rejects(
    api.modifyGuildIncidentActions(rest, GUILD, invites(at(real + 30 * HOUR))),
    RangeError,
  );
  assert.equal(sent.length, 1);
});
