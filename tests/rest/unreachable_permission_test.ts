// deno-lint-ignore-file no-console -- the examples report on stderr; the test catches it
import assert from "node:assert/strict";
import { reportUnreachable } from "../../examples/_unreachable.ts";
import { NetworkError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Run `reportUnreachable` on `error`, catching its stderr line and exit code. */
async function report(
  error: unknown,
): Promise<{ lines: string[]; code: number | undefined }> {
  const lines: string[] = [];
  const error_ = console.error;
  const code = Deno.exitCode;
  console.error = (...data: unknown[]) => void lines.push(data.join(" "));
  try {
    const finished = await reportUnreachable(() => Promise.reject(error));
    assert.equal(finished, false);
    return { lines, code: Deno.exitCode };
  } finally {
    console.error = error_;
    Deno.exitCode = code;
  }
}

Deno.test("examples say Deno refused a request without --allow-net, not that the network failed", async () => {
  // The REST client's redacted copy of what fetch threw keeps the name only.
  const cause = new Error(
    'Requires net access to "discord.com:443", run again with the --allow-net flag',
  );
  cause.name = "NotCapable";
  const { lines, code } = await report(
    new NetworkError({ method: "GET", path: "/gateway/bot", cause }),
  );
  assert.deepEqual(lines, [
    'Not allowed to reach Discord: GET /gateway/bot failed: Requires net access to "discord.com:443", run again with the --allow-net flag.',
  ]);
  assert.equal(code, 1);
});

Deno.test("examples still call a refused connection a network problem", async () => {
  const { lines } = await report(
    new NetworkError({
      method: "GET",
      path: "/gateway/bot",
      cause: new TypeError("fetch failed", {
        cause: new Error("Connection refused (os error 111)"),
      }),
    }),
  );
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^Could not reach Discord: .*Check the network/);
});

Deno.test("RestClient: a request Deno refuses for a missing --allow-net fails at once with its reason, not after ~7 s of retries", async () => {
  const calls: number[] = [];
  const clock = new VirtualScheduler();
  const rest = new RestClient({
    token: "t",
    scheduler: clock,
    fetch: () => {
      calls.push(clock.now());
      return Promise.reject(
        new Deno.errors.NotCapable(
          'Requires net access to "discord.com:443", run again with the --allow-net flag',
        ),
      );
    },
  });
  // A GET is retried on network errors; a refused permission is not one.
  await assert.rejects(rest.getGateway(), (error: unknown) => {
    assert.ok(error instanceof NetworkError);
    assert.match(error.message, /--allow-net/);
    return true;
  });
  assert.deepEqual(calls, [0]);
});
