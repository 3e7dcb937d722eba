/**
 * The fakes refuse option keys they do not read (at run time only `deno
 * check` would catch them otherwise), and 4014 is simulated the documented
 * way, with setPrivilegedIntents.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { RestClient } from "../../rest/rest_client.ts";
import type { GatewayError } from "../../gateway/errors.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

Deno.test("FakeDiscord.start refuses gateway.tokens and gateway.scheduler, naming what to use instead", async () => {
  await assert.rejects(
    FakeDiscord.start({
      gateway: { tokens: { "fake-token": { privilegedIntents: 0 } } },
    } as never),
    (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.match(
        error.message,
        /^Cannot start FakeDiscord as 'gateway\.tokens' is not one of its options: .*fake\.gateway\.setPrivilegedIntents\(fake\.token, 0\)/,
      );
      return true;
    },
  );
  await assert.rejects(
    FakeDiscord.start({
      gateway: { scheduler: new VirtualScheduler() },
    } as never),
    /'gateway\.scheduler' is not one of its options: the top-level 'scheduler' clocks both fakes/,
  );
});

Deno.test("FakeDiscord.start refuses a key that is not an option, with the nearest one", async () => {
  await assert.rejects(
    FakeDiscord.start({ tokn: "x" } as never),
    /^TypeError: Cannot start FakeDiscord as 'tokn' is not one of its options \(did you mean 'token'\?\)/,
  );
  await assert.rejects(
    FakeDiscord.start({ gateway: { heartbeatIntervall: 5 } } as never),
    /'gateway\.heartbeatIntervall' is not one of its options \(did you mean 'gateway\.heartbeatInterval'\?\)/,
  );
  await assert.rejects(
    FakeDiscord.start({ unregisteredCommands: "ignore" } as never),
    /'unregisteredCommands' must be "warn" or "reject"/,
  );
  // Every documented option is still taken.
  await using discord = await FakeDiscord.start({
    token: "t",
    scheduler: new VirtualScheduler(),
    shards: 1,
    answerTimeout: 1_000,
    unregisteredCommands: "warn",
    gateway: { guilds: 2, heartbeatInterval: 1_000 },
  });
  assert.equal(discord.gateway.guildIds.length, 2);
});

Deno.test("FakeDiscord.start names the gateway's nested keys from its own options: 'gateway.' and 'start FakeDiscord'", async () => {
  await assert.rejects(
    FakeDiscord.start({ gateway: { rateLimit: { limt: 1 } } } as never),
    /^TypeError: Cannot start FakeDiscord as 'gateway\.rateLimit\.limt' is not one of its options \(did you mean 'gateway\.rateLimit\.limit'\?\)/,
  );
  await assert.rejects(
    FakeDiscord.start({
      gateway: { sessionStartLimit: { reset_after: 5 } },
    } as never),
    /^TypeError: Cannot start FakeDiscord as 'gateway\.sessionStartLimit\.reset_after' is not one of its options \(did you mean 'gateway\.sessionStartLimit\.resetAfter'\?\)/,
  );
  await assert.rejects(
    FakeDiscord.start({ gateway: { rateLimit: 5 } } as never),
    /^TypeError: Cannot start FakeDiscord as 'gateway\.rateLimit' must be an object: current value 'gateway\.rateLimit=5'/,
  );
  // The nested options it does read are taken.
  await using discord = await FakeDiscord.start({
    scheduler: new VirtualScheduler(),
    gateway: {
      rateLimit: { limit: 5, window: 1_000 },
      sessionStartLimit: { total: 2, remaining: 1, resetAfter: 5 },
    },
  });
  assert.equal(discord.gateway.guildIds.length, 1);
});

Deno.test("FakeDiscord.start refuses a shards or answerTimeout out of range, naming it", async () => {
  // shards: 0 surfaced only when a client started, as an error about GET
  // /gateway/bot's answer; answerTimeout: NaN made every wait end at once.
  const refused: [string, unknown][] = [
    ["shards", 0],
    ["shards", -1],
    ["shards", NaN],
    ["shards", 1.5],
    ["shards", 1e9],
    ["shards", "2"],
    ["answerTimeout", 0],
    ["answerTimeout", -1],
    ["answerTimeout", NaN],
    ["answerTimeout", Infinity],
    ["answerTimeout", 2 ** 31],
    ["answerTimeout", "10000"],
  ];
  for (const [name, value] of refused) {
    await assert.rejects(
      FakeDiscord.start({ scheduler: new VirtualScheduler(), [name]: value }),
      (error: unknown) => {
        assert.ok(error instanceof RangeError, `${name}=${value}: ${error}`);
        assert.match(
          error.message,
          new RegExp(
            `^Cannot create FakeDiscord as '${name}' must be an integer from 1 to \\d+: current value '${name}=`,
          ),
        );
        return true;
      },
      `${name}=${String(value)} was accepted`,
    );
  }
  await using discord = await FakeDiscord.start({
    scheduler: new VirtualScheduler(),
    shards: 65_536,
    answerTimeout: 2 ** 31 - 1,
  });
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  assert.equal((await rest.getGatewayBot()).shards, 65_536);
});

Deno.test("FakeDiscord.start refuses a token no client takes, at once and naming itself", async () => {
  // Taken before, the mistake showed only at new Client, naming the Client.
  await assert.rejects(
    FakeDiscord.start({
      scheduler: new VirtualScheduler(),
      token: "my test token",
    }),
    /^TypeError: Cannot create FakeDiscord as 'token' must be the bot token/,
  );
});

Deno.test("FakeGateway refuses keys it does not read, nested ones included", () => {
  const scheduler = new VirtualScheduler();
  assert.throws(
    () => new FakeGateway({ scheduler, heartbeatIntervall: 1 } as never),
    /^TypeError: Cannot create FakeGateway as 'heartbeatIntervall' is not one of its options \(did you mean 'heartbeatInterval'\?\)/,
  );
  assert.throws(
    () => new FakeGateway({ scheduler, rateLimit: { limt: 1 } } as never),
    /'rateLimit\.limt' is not one of its options \(did you mean 'rateLimit\.limit'\?\)/,
  );
  assert.throws(
    () =>
      new FakeGateway({
        scheduler,
        sessionStartLimit: { reset_after: 5 },
      } as never),
    /'sessionStartLimit\.reset_after' is not one of its options \(did you mean 'sessionStartLimit\.resetAfter'\?\)/,
  );
  assert.throws(
    () =>
      new FakeGateway({
        scheduler,
        tokens: { "fake-token": { privileged: 0 } },
      } as never),
    /'tokens\.fake-token\.privileged' is not one of its options/,
  );
  assert.throws(
    () => new FakeGateway({ scheduler, rateLimit: 5 } as never),
    /'rateLimit' must be an object/,
  );
  new FakeGateway({
    scheduler,
    tokens: { "fake-token": { privilegedIntents: 0 } },
    rateLimit: { limit: 5, window: 1_000 },
    sessionStartLimit: { total: 2, remaining: 1, resetAfter: 5 },
  }).close();
});

Deno.test("FakeRest refuses a key that is not one of its options, naming the nearest", () => {
  // Ignored, a misspelt option ran the test on the default.
  assert.throws(
    () => new FakeRest({ globalLimt: 1 } as never),
    {
      name: "TypeError",
      message:
        "Cannot create FakeRest as 'globalLimt' is not one of its options (did you mean 'globalLimit'?)",
    },
  );
  assert.throws(
    () => new FakeRest({ latency: 5, shard: 2 } as never),
    /^TypeError: Cannot create FakeRest as 'shard' is not one of its options \(did you mean 'shards'\?\)$/,
  );
  assert.throws(
    () => new FakeRest(5 as never),
    /'options' must be an object/,
  );
});

Deno.test("setPrivilegedIntents on a FakeDiscord's gateway gets a client 4014", async () => {
  await using discord = await FakeDiscord.start();
  discord.gateway.setPrivilegedIntents(discord.token, 0);
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(() =>
    assert.rejects(client.start(), (error: GatewayError) => {
      assert.equal(error.kind, "disallowed_intents");
      assert.equal(error.closeCode, 4014);
      return true;
    })
  );
  assert.match(lines.join("\n"), /close code 4014/);
});

Deno.test("The test kit's module docs are for bot authors: no note on a file's length", async () => {
  for (const file of ["fake_discord.ts", "fake_rest.ts", "fake_resources.ts"]) {
    const text = await Deno.readTextFile(
      new URL(`../../testing/${file}`, import.meta.url),
    );
    const moduleDoc = text.slice(0, text.indexOf("@module"));
    assert.ok(moduleDoc.startsWith("/**"), file);
    assert.doesNotMatch(moduleDoc, /Why one file|Candidate for a cut/, file);
  }
  // The JSDoc of the class says how to simulate 4014.
  const discord = await Deno.readTextFile(
    new URL("../../testing/fake_discord.ts", import.meta.url),
  );
  assert.match(discord, /@example Simulate a privileged intent[^\n]*\(4014\)/);
});
