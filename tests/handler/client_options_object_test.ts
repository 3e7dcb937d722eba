import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";

Deno.test("new Client(token) says the argument is an options object, never echoing the token", () => {
  for (
    const [argument, type] of [
      ["secret-token", "string"],
      [undefined, "undefined"],
      [null, "null"],
      [["secret-token"], "array"],
      [42, "number"],
    ] as const
  ) {
    assert.throws(
      () => new Client(argument as never),
      (error) => {
        assert.ok(error instanceof TypeError);
        assert.equal(
          error.message,
          `Cannot create client as its argument must be an options object ({ token, intents }): current type '${type}'`,
        );
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
  }
});
