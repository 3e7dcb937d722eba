import assert from "node:assert/strict";
import { isSnowflake } from "../../base/snowflake.ts";

Deno.test("isSnowflake: 1 to 20 ASCII digits, nothing else", () => {
  for (const yes of ["0", "7", "197038439483310086", "9".repeat(20)]) {
    assert.equal(isSnowflake(yes), true, yes);
  }
  for (
    const no of [
      "",
      "9".repeat(21),
      "1:2",
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
