// Only a 4014 says which privileged intents to enable: every other fatal
// close keeps its own row's message even when the shard asked for
// privileged intents, or a bad token (4004) or shard count (4010-4013)
// would send the bot's owner to the Developer Portal for nothing.
import assert from "node:assert/strict";
import { CLOSE_CODE_POLICY, closePolicy } from "../../gateway/shard_state.ts";
import { GatewayIntent } from "../../types/intents.ts";

Deno.test("closePolicy keeps the table's message for a fatal close other than 4014 when privileged intents were asked", () => {
  const intents = GatewayIntent.Guilds | GatewayIntent.GuildMembers |
    GatewayIntent.MessageContent;
  for (const code of [4004, 4010, 4011, 4012, 4013]) {
    const policy = closePolicy(code, intents);
    assert.deepEqual(policy, CLOSE_CODE_POLICY[code], `${code}`);
    assert.ok(policy.action === "fatal", `${code}`);
    assert.doesNotMatch(policy.message, /privileged intent/i, `${code}`);
  }
});
