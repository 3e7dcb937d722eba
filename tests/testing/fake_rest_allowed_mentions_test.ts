/**
 * `allowed_mentions` as the fake checks it: `parse` and a non-empty list of
 * the same kind are mutually exclusive, and `users`/`roles` hold at most
 * 100 IDs (message resource, Allowed Mentions Object).
 */
import assert from "node:assert/strict";
import {
  CHANNEL,
  type JsonAnswer,
  jsonCall,
  oneChannel,
} from "./_one_channel.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";

function send(
  fake: FakeRest,
  body: unknown,
  method = "POST",
  path = `/channels/${CHANNEL}/messages`,
): Promise<JsonAnswer> {
  return jsonCall(fake, method, path, body);
}

const ids = (n: number): string[] =>
  Array.from(
    { length: n },
    (_, i) => String(100_000_000_000_000_000n + BigInt(i)),
  );

Deno.test("FakeRest refuses allowed_mentions with parse and a list of the same kind", async () => {
  const { fake } = oneChannel();
  for (const kind of ["users", "roles"]) {
    const refused = await send(fake, {
      content: "hi <@1234>",
      allowed_mentions: { parse: [kind], [kind]: ["1234"] },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.code, 50035);
    assert.deepEqual(refused.json.errors, {
      allowed_mentions: {
        _errors: [{
          code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
          message:
            `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
        }],
      },
    });
  }
  // An empty list next to parse is fine, as is parse of another kind.
  for (
    const allowed of [
      { parse: ["users"], users: [] },
      { parse: ["roles"], roles: [] },
      { parse: ["everyone"], users: ["1234"] },
    ]
  ) {
    const sent = await send(fake, { content: "hi", allowed_mentions: allowed });
    assert.equal(sent.status, 200, JSON.stringify(allowed));
  }
  assert.equal(fake.messages(CHANNEL).length, 3);
});

Deno.test("FakeRest refuses more than 100 allowed users or roles, on create and edit", async () => {
  const { fake } = oneChannel();
  for (const kind of ["users", "roles"]) {
    const refused = await send(fake, {
      content: "hi",
      allowed_mentions: { [kind]: ids(101) },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.code, 50035);
    assert.equal(
      refused.json.errors.allowed_mentions[kind]._errors[0].code,
      "BASE_TYPE_MAX_LENGTH",
    );
  }
  const hundred = await send(fake, {
    content: "hi",
    allowed_mentions: { users: ids(100), roles: ids(100) },
  });
  assert.equal(hundred.status, 200);
  const edit = await send(
    fake,
    { content: "edited", allowed_mentions: { parse: ["users"], users: ["1"] } },
    "PATCH",
    `/channels/${CHANNEL}/messages/${hundred.json.id}`,
  );
  assert.equal(edit.status, 400);
  assert.equal(edit.json.code, 50035);
  assert.equal(fake.messages(CHANNEL)[0]!.content, "hi");
});
