import assert from "node:assert/strict";
import {
  assertBotToken,
  assertTokenOption,
  botTokenFault,
  normalizeBotToken,
} from "../../base/bot_token.ts";

Deno.test("assertBotToken drops surrounding whitespace and the Bot prefix, and refuses what a header cannot carry without showing it", () => {
  assert.equal(normalizeBotToken("  Bot abc.DEF-g_h\r\n"), "abc.DEF-g_h");
  // The prefix in any case, as HTTP schemes are read.
  assert.equal(normalizeBotToken("bot abc"), "abc");
  assert.equal(normalizeBotToken("BOT abc"), "abc");
  assert.equal(assertBotToken("shard", "  Bot abc.DEF-g_h\r\n"), "abc.DEF-g_h");
  const cases: [string, string][] = [
    ["SECRET\nTOKEN", "whitespace at character 7"],
    ["SECRET\rTOKEN", "whitespace at character 7"],
    ["SECRET TOKEN", "whitespace at character 7"],
    ["SECRET\u0000TOKEN", "a control character at character 7"],
    ["SECRET\u001fTOKEN", "a control character at character 7"],
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
  // Every visible ASCII character passes, '!' and '~' at either end of the range.
  assert.equal(botTokenFault("!abc.DEF~"), undefined);
});

Deno.test("assertBotToken names a token pasted with its quotes, and an OAuth2 Bearer token, without showing either", () => {
  for (
    const token of [
      '"SECRET.TOKEN"',
      "'SECRET.TOKEN'",
      "`SECRET.TOKEN`",
      // A quote at one end only (a .env line cut short) is no token either.
      '"SECRET.TOKEN',
      "SECRET.TOKEN'",
    ]
  ) {
    const fault = botTokenFault(normalizeBotToken(token));
    assert.match(fault!, /^it is wrapped in quotes/);
    assert.ok(!fault!.includes("SECRET"));
  }
  for (const token of ["Bearer SECRET", "bearer SECRET", "BEARER SECRET"]) {
    assert.throws(() => assertBotToken("REST client", token), {
      name: "TypeError",
      message: /it is a Bearer \(OAuth2\) token, not a bot token/,
    });
  }
});

Deno.test("assertTokenOption shows what it got when that holds no token: an unset environment variable, a blank string", () => {
  assert.throws(() => assertTokenOption("client", undefined), {
    name: "TypeError",
    message:
      "Cannot create client as 'token' must be a non-empty string (not blank) (is the environment variable read for it set?): current value 'token=undefined'",
  });
  assert.throws(() => assertTokenOption("client", " \n"), {
    message: /: current value 'token=" \\n"'$/,
  });
  assert.throws(() => assertTokenOption("client", 42), {
    message: /: current value 'token=a number'$/,
  });
  // null is shown as itself, without the hint about an environment variable.
  assert.throws(() => assertTokenOption("client", null), {
    name: "TypeError",
    message:
      "Cannot create client as 'token' must be a non-empty string (not blank): current value 'token=null'",
  });
});
