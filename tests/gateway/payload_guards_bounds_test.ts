// The guards on what the gateway sends, called directly at the edges that
// mutation testing found unpinned by the shard tests around them: sequence
// 0, retry_after at 0, at 3600 s, past them and its rounding up, a
// chunk_count of 0, a nonce that is no string, a resume URL of exactly the
// length allowed or with no host, and a saved session's resume URL on a
// machine host's other port or on discord.gg when the gateway is not.
import assert from "node:assert/strict";
import {
  chunkCount,
  isSequence,
  MAX_RESUME_URL_LENGTH,
  MAX_RETRY_AFTER_SECONDS,
  nonceOf,
  restoredResumeUrlProblem,
  resumeUrlProblem,
  retryAfterMs,
} from "../../gateway/payload_guards.ts";

Deno.test("isSequence takes 0 and refuses a negative number", () => {
  assert.equal(isSequence(0), true);
  assert.equal(isSequence(1), true);
  assert.equal(isSequence(-1), false);
});

Deno.test("retryAfterMs takes 0 to 3600 seconds, rounding up to a whole ms, and refuses past either end", () => {
  assert.equal(retryAfterMs({ retry_after: 0 }), 0);
  assert.equal(
    retryAfterMs({ retry_after: MAX_RETRY_AFTER_SECONDS }),
    3_600_000,
  );
  assert.equal(retryAfterMs({ retry_after: 1.2341 }), 1235);
  for (const retry_after of [-1, -0.001, 3600.001]) {
    assert.throws(
      () => retryAfterMs({ retry_after }),
      RangeError,
      `${retry_after}`,
    );
  }
});

Deno.test("chunkCount refuses a chunk_count of 0", () => {
  assert.equal(chunkCount({ chunk_count: 1 }), 1);
  assert.throws(() => chunkCount({ chunk_count: 0 }), RangeError);
});

Deno.test("nonceOf reads only a string nonce", () => {
  assert.equal(nonceOf({ nonce: "n" }), "n");
  assert.equal(nonceOf({ nonce: 5 }), undefined);
  assert.equal(nonceOf({}), undefined);
});

Deno.test("resumeUrlProblem takes a URL of exactly the length allowed, refuses one longer, and names a URL with no host", () => {
  const base = "wss://gateway.discord.gg/?v=10&x=";
  const exact = base + "a".repeat(MAX_RESUME_URL_LENGTH - base.length);
  const gateway = "wss://gateway.discord.gg";
  assert.equal(resumeUrlProblem(exact, gateway), undefined);
  assert.match(resumeUrlProblem(`${exact}a`, gateway)!, /longer than 2048/);
  assert.match(resumeUrlProblem("mailto:someone", gateway)!, /^it has no host/);
});

Deno.test("restoredResumeUrlProblem refuses a machine host's other port, the default ports told apart, and discord.gg for a gateway not in it", () => {
  assert.equal(
    restoredResumeUrlProblem("wss://127.0.0.1", "wss://127.0.0.1:443"),
    undefined,
  );
  assert.match(
    restoredResumeUrlProblem("wss://127.0.0.1:80", "wss://127.0.0.1")!,
    /host and port must be/,
  );
  assert.equal(
    restoredResumeUrlProblem(
      "wss://gateway-us-east1-b.discord.gg",
      "wss://gateway.discord.gg",
    ),
    undefined,
  );
  assert.match(
    restoredResumeUrlProblem(
      "wss://gateway-us-east1-b.discord.gg",
      "wss://gateway.example.com",
    )!,
    /its host must be the gateway URL's/,
  );
});
