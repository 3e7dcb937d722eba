// A number option given as a string is a TypeError whose message quotes
// it: "must be an integer from 50 to 250: current value '100'" read as a
// contradiction.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";

const base = { token: "fake-token", intents: 1 };

Deno.test("Shard refuses a number option given as a string with a TypeError quoting it", async (t) => {
  const rows: [string, Record<string, unknown>, ErrorConstructor, string][] = [
    [
      "largeThreshold a string",
      { largeThreshold: "100" },
      TypeError,
      `Cannot create shard as 'largeThreshold' must be an integer from 50 to 250: current value 'largeThreshold="100"'`,
    ],
    [
      "maxInflatedBytes a string",
      { maxInflatedBytes: "1000000" },
      TypeError,
      `Cannot create shard as 'maxInflatedBytes' must be a positive integer number of bytes: current value 'maxInflatedBytes="1000000"'`,
    ],
    [
      "timeouts.connect a string",
      { timeouts: { connect: "1000" } },
      TypeError,
      `Cannot create shard as 'timeouts.connect' must be an integer from 1 to 2147483647: current value 'timeouts.connect="1000"'`,
    ],
    [
      "largeThreshold out of range",
      { largeThreshold: 10 },
      RangeError,
      `Cannot create shard as 'largeThreshold' must be an integer from 50 to 250: current value 'largeThreshold=10'`,
    ],
    [
      "maxInflatedBytes 0",
      { maxInflatedBytes: 0 },
      RangeError,
      `Cannot use 'maxInflatedBytes' as it must be a positive integer number of bytes: current value 'maxInflatedBytes=0'`,
    ],
  ];
  for (const [name, options, type, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Shard({ ...base, ...options } as never),
        (error) => {
          assert.equal((error as Error).constructor, type, String(error));
          assert.equal((error as Error).message, message);
          return true;
        },
      );
    });
  }
});
