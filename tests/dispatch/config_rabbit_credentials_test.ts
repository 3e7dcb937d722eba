// RABBIT_USERNAME and RABBIT_PASSWORD as twilight-dispatch took them: it put
// them in its AMQP URL unescaped and its client percent-decoded them, so a
// password with `@ / # ?` was written percent-encoded in `.env`. Each valid
// `%XX` is decoded here the same way; a `%` without two hex digits is kept.
import assert from "node:assert/strict";
import { loadDispatchConfig } from "../../dispatch/config.ts";

function credentials(
  username: string,
  password: string,
): [string, string] {
  const config = loadDispatchConfig({
    BOT_TOKEN: "t",
    INTENTS: "513",
    RABBIT_USERNAME: username,
    RABBIT_PASSWORD: password,
  });
  return [config.rabbitUsername, config.rabbitPassword];
}

Deno.test("RABBIT_PASSWORD percent-encoded as for twilight-dispatch is decoded", () => {
  assert.deepEqual(credentials("disp_u", "p%40ss%2Fw%23rd%3F"), [
    "disp_u",
    "p@ss/w#rd?",
  ]);
  assert.deepEqual(credentials("us%65r%20x", "%e2%82%ac"), ["user x", "€"]);
});

Deno.test("RABBIT_PASSWORD keeps a % not followed by two hex digits, and what is not encoded", () => {
  assert.deepEqual(credentials("guest", "100%"), ["guest", "100%"]);
  assert.deepEqual(credentials("a%zzb", "50%4"), ["a%zzb", "50%4"]);
  assert.deepEqual(credentials("u", "p@ss/w#rd %"), ["u", "p@ss/w#rd %"]);
  // Bytes that are no UTF-8 text are left as written.
  assert.deepEqual(credentials("u", "a%ffb%41"), ["u", "a%ffbA"]);
});
