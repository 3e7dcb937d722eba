// A `.env` kept from twilight-dispatch means here what it meant there: its
// values as the Rust crate dotenv 0.15 reads them, backslash escapes
// included (`"gu\$est"` is `gu$est`, which was sent to RabbitMQ with its
// backslash and refused). Values dotenv refuses are read leniently, as
// before.
import assert from "node:assert/strict";
import { parseEnvFile } from "../../dispatch/config.ts";

Deno.test("dispatch .env: dotenv 0.15's escapes, in double quotes and unquoted, are the plain character", () => {
  assert.deepEqual(
    parseEnvFile(
      [
        String.raw`RABBIT_PASSWORD="gu\$est"`,
        String.raw`REDIS_PASSWORD=gu\$est`,
        String.raw`A="back\\slash" # c`,
        String.raw`B="say \"hi\" and \'bye\'"`,
        String.raw`C=my\ cool\ value`,
        String.raw`D="line 1\nline 2"`,
        String.raw`E=a\\b`,
      ].join("\n"),
    ),
    {
      RABBIT_PASSWORD: "gu$est",
      REDIS_PASSWORD: "gu$est",
      A: "back\\slash",
      B: `say "hi" and 'bye'`,
      C: "my cool value",
      D: "line 1\nline 2",
      E: "a\\b",
    },
  );
});

Deno.test("dispatch .env: dotenv 0.15's own tests read the same, but for $NAME, kept as written", () => {
  // parse.rs's test_parse_value_escapes and test_parse_line_env (v0.15.0).
  assert.deepEqual(
    parseEnvFile(
      [
        String.raw`KEY=my\ cool\ value`,
        String.raw`KEY2=\$sweet`,
        String.raw`KEY3="awesome stuff \"mang\""`,
        String.raw`KEY4='sweet $\fgs'\''fds'`,
        String.raw`KEY5="'\"yay\\"\ "stuff"`,
        String.raw`KEY6="lol" #well you see when I say lol wh`,
        String.raw`KEY7="line 1\nline 2"`,
        "KEY8=     ",
        "KEY9=   # foo",
        `KEY10  ="whitespace before ="`,
        `KEY11=    "whitespace after ="`,
        "export   SHELL_LOVER=1",
        // Not replaced: the crate put $OTHER's value (empty, unset) there.
        "KEY12=a$OTHER",
      ].join("\n"),
    ),
    {
      KEY: "my cool value",
      KEY2: "$sweet",
      KEY3: `awesome stuff "mang"`,
      KEY4: String.raw`sweet $\fgs'fds`,
      KEY5: String.raw`'"yay\ stuff`,
      KEY6: "lol",
      KEY7: "line 1\nline 2",
      KEY8: "",
      KEY9: "",
      KEY10: "whitespace before =",
      KEY11: "whitespace after =",
      SHELL_LOVER: "1",
      KEY12: "a$OTHER",
    },
  );
});

Deno.test("dispatch .env: single quotes keep backslashes; a value dotenv refuses is read as before", () => {
  assert.deepEqual(
    parseEnvFile(
      [
        String.raw`A='gu\$est'`,
        // An escape dotenv does not know: the backslash is kept.
        String.raw`B="C:\dir"`,
        String.raw`C=pa\ss`,
        // A quote left open, a space inside an unquoted value.
        `D="unclosed # c`,
        "E=two words # c",
        `F="a"b"`,
      ].join("\n"),
    ),
    {
      A: String.raw`gu\$est`,
      B: String.raw`C:\dir`,
      C: String.raw`pa\ss`,
      D: `"unclosed`,
      E: "two words",
      F: `a"b`,
    },
  );
});

Deno.test("dispatch .env: an indented line, a tab ending a value and a backslash ending the line read as dotenv 0.15 reads them", () => {
  assert.deepEqual(
    parseEnvFile(
      [
        "  INDENTED=1",
        "\tTABBED=2",
        // A tab ends an unquoted value as a space does; tabs and spaces
        // may then come before the comment (the escape shows dotenv's
        // reading was taken, not the lenient one).
        String.raw`A=a\$x` + "\t# c",
        String.raw`B=b\$y` + "\t \t# c",
        // A backslash ending the line is dropped, as the crate drops it.
        String.raw`C=abc\ `.trimEnd(),
        String.raw`D="q"\ `.trimEnd(),
      ].join("\n"),
    ),
    { INDENTED: "1", TABBED: "2", A: "a$x", B: "b$y", C: "abc", D: "q" },
  );
});

Deno.test("dispatch .env: a value dotenv refuses keeps a # not after a space, and its quotes end at the first closing one a comment follows", () => {
  assert.deepEqual(
    parseEnvFile(
      [
        String.raw`E="C:\dir" # say "hi"`,
        String.raw`F=pa\ss#word`,
        String.raw`G='it''s' # c`,
      ].join("\n"),
    ),
    { E: String.raw`C:\dir`, F: String.raw`pa\ss#word`, G: "its" },
  );
});
