// syncCommands builds its REST path from `applicationId` and `guildId`: each
// must be a snowflake, or a guild sync could climb out of its guild
// ("2/../../../../applications/<app>") and overwrite the global commands.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const ping = command({ name: "ping", description: "Ping" });

function setup(): { fake: FakeRest; rest: RestClient; paths: string[] } {
  const fake = new FakeRest({ token: "t" });
  const paths: string[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    paths.push(`${request.method} ${new URL(request.url).pathname}`);
    return fake.fetch(request);
  };
  return { fake, rest: new RestClient({ token: "t", fetch }), paths };
}

Deno.test("syncCommands refuses a guildId that is not a snowflake before sending anything: no climb to the global commands", async () => {
  const { fake, rest, paths } = setup();
  const app = fake.applicationId;
  // The global commands exist; a guild sync must never overwrite them.
  await syncCommands(rest, [ping], { applicationId: app });
  paths.length = 0;
  for (
    const guildId of [
      `2/../../../../applications/${app}`,
      "..",
      "2?x=1",
      "",
      " 2",
      "1".repeat(21),
      2 as unknown as string,
    ]
  ) {
    await assert.rejects(
      syncCommands(rest, [], { applicationId: app, guildId }),
      (error: unknown) =>
        error instanceof TypeError && /'guildId'/.test(error.message) &&
        /snowflake/.test(error.message),
      `guildId ${JSON.stringify(guildId)}`,
    );
  }
  assert.equal(paths.length, 0, paths.join(", "));
  // The global command is still there.
  const global = await syncCommands(rest, [ping], { applicationId: app });
  assert.equal(global.changed, false);
});

Deno.test("syncCommands refuses an applicationId that is not a snowflake before sending anything", async () => {
  const { fake, rest, paths } = setup();
  for (
    const applicationId of [
      `${fake.applicationId}/guilds/2`,
      "../users/@me",
      "@me",
      "",
    ]
  ) {
    await assert.rejects(
      syncCommands(rest, [ping], { applicationId, guildId: "2" }),
      (error: unknown) =>
        error instanceof TypeError && /'applicationId'/.test(error.message),
      `applicationId ${JSON.stringify(applicationId)}`,
    );
  }
  assert.equal(paths.length, 0, paths.join(", "));
  // Well-formed ids still sync, in a guild and globally.
  const guild = await syncCommands(rest, [ping], {
    applicationId: fake.applicationId,
    guildId: "2",
  });
  assert.equal(guild.changed, true);
  assert.ok(paths.includes(
    `PUT /api/v10/applications/${fake.applicationId}/guilds/2/commands`,
  ));
});
