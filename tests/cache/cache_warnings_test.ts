import assert from "node:assert/strict";
import {
  cacheIntentWarnings,
  cacheResourceWarnings,
} from "../../cache/resources.ts";
import { resolveCacheOptions } from "../../cache/options.ts";
import { GatewayIntent } from "../../types/intents.ts";

Deno.test("cacheIntentWarnings: messages of a bot that receives no guild messages are not said to lose their content (DMs keep it)", () => {
  assert.deepEqual(
    cacheIntentWarnings(
      ["messages"],
      GatewayIntent.Guilds | GatewayIntent.DirectMessages,
    ),
    [],
  );
});

Deno.test("cacheIntentWarnings: without MessageContent, guild messages that do not mention the bot are said to lose their content, embeds, attachments, components and poll", () => {
  assert.deepEqual(
    cacheIntentWarnings(
      ["messages"],
      GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    ),
    [
      `The cache keeps "messages" without the MessageContent intent: guild messages of other users that do not mention the bot have empty content, embeds, attachments and components, and no poll.`,
    ],
  );
});

Deno.test("cacheResourceWarnings: users without members or messages keep nothing", () => {
  assert.equal(cacheResourceWarnings(["users"]).length, 1);
  assert.equal(cacheResourceWarnings(["users", "presences"]).length, 1);
  assert.deepEqual(cacheResourceWarnings(["users", "members"]), []);
  assert.deepEqual(cacheResourceWarnings(["users", "messages"]), []);
  assert.deepEqual(cacheResourceWarnings(["guilds"]), []);
});

Deno.test("resolveCacheOptions: null is refused for every message bound, as for maxAge", () => {
  for (const name of ["perChannel", "dmChannels", "maxAge"] as const) {
    assert.throws(
      () => resolveCacheOptions({ messages: { [name]: null as never } }),
      {
        name: "TypeError",
        message: new RegExp(
          `^Cannot create cache as 'messages\\.${name}' must be .*: current value 'messages\\.${name}=null'$`,
        ),
      },
      name,
    );
  }
});

Deno.test("resolveCacheOptions: the caller names what is created and the options' path", () => {
  assert.throws(
    () =>
      resolveCacheOptions({ messages: { dmChannels: 0 } }, [], {
        what: "client",
        path: "cache.",
      }),
    {
      message:
        "Cannot create client as 'cache.messages.dmChannels' must be a positive integer: current value 'cache.messages.dmChannels=0'",
    },
  );
});
