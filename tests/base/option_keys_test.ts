import assert from "node:assert/strict";
import { checkOptionKeys } from "../../base/option_keys.ts";

Deno.test("checkOptionKeys takes no hint from Object.prototype for a key named like one of its members", () => {
  for (const key of ["constructor", "toString", "hasOwnProperty"]) {
    assert.throws(
      () => checkOptionKeys("create client", "", { [key]: 1 }, ["intents"]),
      {
        name: "TypeError",
        message:
          `Cannot create client as '${key}' is not one of its options; the options are 'intents'`,
      },
      key,
    );
  }
});
