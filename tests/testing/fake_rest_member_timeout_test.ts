// A member's timeout (`communication_disabled_until`) must be an ISO 8601
// timestamp: Discord answers anything else with 400 50035 on the field.
import assert from "node:assert/strict";
import { modifyGuildMember } from "../../rest/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { GUILD, oneChannel } from "./_one_channel.ts";

const ada = {
  id: "100000000000000010",
  username: "ada",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

Deno.test("FakeRest refuses a timeout that is no ISO 8601 timestamp with 400 50035", async () => {
  const { fake, rest } = oneChannel();
  fake.resources.addMember(GUILD, ada);
  const noSuchDays = ["2025-02-30", "2025-02-29T10:00Z", "2025-04-31"];
  for (
    const until of ["next tuesday", "March 7, 2025", "", 1234, ...noSuchDays]
  ) {
    // Sent raw: modifyGuildMember refuses these unsent.
    const error = await rest.request(
      "PATCH",
      `/guilds/${GUILD}/members/${ada.id}`,
      { body: { nick: "Ada", communication_disabled_until: until } },
    ).catch((e) => e);
    assert.ok(error instanceof DiscordApiError, `${until}: ${error}`);
    assert.deepEqual([error.status, error.code], [400, 50035], String(until));
    const errors = error.errors as Record<
      string,
      { _errors: { code: string }[] }
    >;
    assert.equal(
      errors.communication_disabled_until!._errors[0]!.code,
      "DATE_TYPE_PARSE",
    );
    const stored = fake.resources.members(GUILD).find((m) =>
      m.user.id === ada.id
    )!;
    // A refused body changes nothing, not even its valid fields.
    assert.deepEqual(
      [stored.communication_disabled_until, stored.nick],
      [null, null],
    );
  }
  // A timestamp, a leap day that exists (past: no timeout), and null
  // (lifting the timeout) still work.
  const leapDay = await modifyGuildMember(rest, GUILD, ada.id, {
    communication_disabled_until: "2024-02-29T10:00:00.000Z",
  });
  assert.equal(
    leapDay.communication_disabled_until,
    "2024-02-29T10:00:00.000Z",
  );
  const soon = new Date(Date.now() + 3_600_000).toISOString();
  const member = await modifyGuildMember(rest, GUILD, ada.id, {
    communication_disabled_until: soon,
  });
  assert.equal(member.communication_disabled_until, soon);
  const lifted = await modifyGuildMember(rest, GUILD, ada.id, {
    communication_disabled_until: null,
  });
  assert.equal(lifted.communication_disabled_until, null);
});
