// syncCommands and awaitMessage refuse an options key that is none of
// theirs, as the constructors and Client.stop do. From JavaScript (or an
// object built elsewhere) `syncCommands(rest, defs, { guildid })` was
// read as no guild: it overwrote the GLOBAL commands instead of the
// guild's; `awaitMessage(client, { timout: 10 })` waited the default 60 s.
import assert from "node:assert/strict";
import { awaitMessage } from "../../interactions/await_message.ts";
import { command } from "../../interactions/commands.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("syncCommands refuses a misspelt 'guildid' before sending anything: the global commands stay", async () => {
  const fake = new FakeRest({ token: "t" });
  const sent: string[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: (input, init) => {
      const request = new Request(input, init);
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return fake.fetch(request);
    },
  });
  const app = fake.applicationId;
  const ping = command({ name: "ping", description: "Ping" });
  await syncCommands(rest, [ping], { applicationId: app });
  sent.length = 0;
  const guildOnly = command({ name: "admin", description: "Admin" });
  await assert.rejects(
    syncCommands(rest, [guildOnly], {
      applicationId: app,
      guildid: "123456789012345678",
    } as never),
    {
      name: "TypeError",
      message:
        "Cannot sync commands as 'guildid' is not one of its options (did you mean 'guildId'?)",
    },
  );
  assert.deepEqual(sent, []);
  const global = await rest.request<{ name: string }[]>(
    "GET",
    `/applications/${app}/commands`,
  );
  assert.deepEqual(global.map((c) => c.name), ["ping"]);
});

Deno.test("awaitMessage refuses a misspelt 'timout' at once instead of waiting the default minute", async () => {
  const scheduler = new VirtualScheduler();
  let listening = 0;
  const source = { on: () => (listening++, () => listening--) };
  let outcome: unknown = "still waiting";
  awaitMessage(source, { timout: 10, scheduler } as never).then(
    () => outcome = "resolved",
    (error) => outcome = error,
  );
  await scheduler.advance(10);
  assert.ok(outcome instanceof TypeError, String(outcome));
  assert.equal(
    outcome.message,
    "Cannot create message wait as 'timout' is not one of its options (did you mean 'timeout'?)",
  );
  assert.equal(listening, 0);
  assert.equal(scheduler.pending, 0);
});
