import assert from "node:assert/strict";
import {
  assertBotToken,
  botTokenFault,
  normalizeBotToken,
} from "../../base/bot_token.ts";

Deno.test("assertBotToken drops surrounding whitespace and the Bot prefix, and refuses what a header cannot carry without showing it", () => {
  assert.equal(normalizeBotToken("  Bot abc.DEF-g_h\r\n"), "abc.DEF-g_h");
  assert.equal(assertBotToken("shard", "  Bot abc.DEF-g_h\r\n"), "abc.DEF-g_h");
  const cases: [string, string][] = [
    ["SECRET\nTOKEN", "whitespace at character 7"],
    ["SECRET\rTOKEN", "whitespace at character 7"],
    ["SECRET TOKEN", "whitespace at character 7"],
    ["SECRET\u0000TOKEN", "a control character at character 7"],
    ["SECRET\u007fTOKEN", "a control character at character 7"],
    ["SECRET\u00e9TOKEN", "a non-ASCII character at character 7"],
  ];
  for (const [token, where] of cases) {
    assert.equal(
      botTokenFault(token),
      `it holds ${where} (the token is not shown)`,
    );
    assert.throws(() => assertBotToken("shard", token), {
      name: "TypeError",
      message:
        `Cannot create shard as 'token' must be the bot token, visible ASCII characters without spaces (it is sent in an HTTP header): it holds ${where} (the token is not shown)`,
    });
  }
  assert.throws(() => assertBotToken("shard", " \n "), /it is blank/);
});
