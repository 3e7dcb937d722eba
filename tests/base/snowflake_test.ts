import assert from "node:assert/strict";
import {
  checkSnowflake,
  isSnowflake,
  unshownId,
} from "../../base/snowflake.ts";

Deno.test("isSnowflake: 1 to 20 ASCII digits, nothing else", () => {
  for (const yes of ["0", "7", "197038439483310086", "9".repeat(20)]) {
    assert.equal(isSnowflake(yes), true, yes);
  }
  for (
    const no of [
      "",
      "9".repeat(21),
      "1:2",
      "1/2", // the characters either side of the digits: '/' and ':'
      "/",
      "12a",
      " 12",
      "12 ",
      "-5",
      "1e5",
      "1.0",
      "١٢", // Arabic-Indic digits
      "１２", // full-width digits
      12,
      12n,
      null,
      undefined,
      ["12"],
    ]
  ) {
    assert.equal(isSnowflake(no), false, String(no));
  }
});

Deno.test("unshownId hides a value only when it is past 20 characters and not all digits", () => {
  assert.equal(unshownId("x".repeat(20)), undefined);
  assert.equal(
    unshownId("x".repeat(21)),
    "a 21-character string (not shown: it may be a token)",
  );
  assert.equal(unshownId("1".repeat(21)), undefined);
});

Deno.test("checkSnowflake shows a refused value it may show cut to 40 characters", () => {
  const digits = "1234567890".repeat(5);
  assert.throws(() => checkSnowflake("build route", "id", digits), {
    name: "TypeError",
    message:
      `Cannot build route as 'id' must be a snowflake string: current value 'id=${
        digits.slice(0, 40)
      }'`,
  });
});
