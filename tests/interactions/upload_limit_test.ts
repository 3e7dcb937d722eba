// An interaction's `attachment_size_limit` is the upload limit of its
// responses only when it is a size Discord would send (a positive safe
// integer): 1.5 or 1e300 made every file response fail with a RangeError
// blaming the bot's maxSize.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import { uploadLimitOf } from "../../interactions/_upload_limit.ts";
import { DEFAULT_UPLOAD_LIMIT } from "../../rest/uploads.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const file = command({ name: "file", description: "Sends a file" });

/** A command interaction with `attachment_size_limit` set to `limit`. */
function withLimit(limit: unknown, id = "1"): Interaction {
  return commandInteraction({ id, name: "file", attachment_size_limit: limit });
}

Deno.test("uploadLimitOf takes a positive safe integer, and the default for anything else", () => {
  assert.equal(uploadLimitOf(withLimit(25 * 1024 * 1024)), 25 * 1024 * 1024);
  assert.equal(uploadLimitOf(withLimit(1)), 1);
  for (
    const limit of [
      1.5,
      1e300,
      2 ** 53,
      Infinity,
      NaN,
      0,
      -1,
      "20000000",
      null,
      undefined,
    ]
  ) {
    assert.equal(
      uploadLimitOf(withLimit(limit)),
      DEFAULT_UPLOAD_LIMIT,
      String(limit),
    );
  }
});

Deno.test("a file response to an interaction whose attachment_size_limit is fractional or huge is sent under the default limit, not refused", async () => {
  const { signer, router, handler, fake, kinds } = await endpointHarness();
  const failures: string[] = [];
  router.command(file, async (_, ctx) => {
    try {
      await ctx.respond({
        content: "x",
        files: [{ name: "a.txt", data: "hello" }],
      });
    } catch (error) {
      failures.push(String(error));
      throw error;
    }
  });
  let id = 1;
  for (const limit of [1.5, 1e300, 2 ** 53]) {
    const answer = await handler(
      await signer.request(withLimit(limit, String(id++))),
    );
    assert.equal(answer.status, 202, String(limit));
    await answer.body?.cancel();
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(kinds, []);
  assert.deepEqual(
    fake.requests.map((r) => r.files?.map((f) => f.name)),
    [["a.txt"], ["a.txt"], ["a.txt"]],
  );

  // A real limit still holds: 4 bytes refuse the 5 of "hello".
  const answer = await handler(await signer.request(withLimit(4, "9")));
  assert.equal(answer.status, 500);
  await answer.body?.cancel();
  assert.match(failures[0]!, /exceeds the upload limit/);
});
