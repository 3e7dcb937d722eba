// The HTTP endpoint's deadlines run from the request's arrival, in real
// time: a step of the wall clock (NTP, a resumed VM) while its body is read
// must change no verdict, as Discord's clock did not step.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";
import { withRealClockSteps } from "./_real_clock_steps.ts";

const answers = command({ name: "answers", description: "Answers at once" });

/**
 * Send `/answers` (real scheduler) with a body whose second half comes
 * after `whileReading` moved the clocks.
 */
async function send(
  whileReading: () => void,
): Promise<{ status: number; kinds: string[] }> {
  // Signed and checked on Discord's clock, which did not step.
  const discordNow = Date.now();
  const { signer, router, handler, kinds } = await endpointHarness({
    clock: () => discordNow,
  });
  router.command(answers, (_, ctx) => ctx.respond("hi"));
  const text = JSON.stringify(commandInteraction({ id: "1", name: "answers" }));
  const headers = await signer.sign(text, discordNow / 1000);
  const bytes = new TextEncoder().encode(text);
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (!sent) {
        sent = true;
        controller.enqueue(bytes.subarray(0, 10));
        return;
      }
      whileReading();
      controller.enqueue(bytes.subarray(10));
      controller.close();
    },
  });
  const response = await handler(
    new Request("http://x/", { method: "POST", headers, body }),
  );
  await response.body?.cancel();
  return { status: response.status, kinds };
}

Deno.test("interactionsEndpoint: a wall clock stepped 1 h forward while a body is read (200 ms) leaves the answer taken", async () => {
  await withRealClockSteps(async (clock) => {
    const outcome = await send(() => {
      clock.pass(200);
      clock.step(3_600_000);
    });
    assert.deepEqual(outcome, { status: 200, kinds: [] });
  });
});

Deno.test("interactionsEndpoint: a wall clock stepped 1 h back while a body is read (4 s) takes no late answer", async () => {
  await withRealClockSteps(async (clock) => {
    const outcome = await send(() => {
      clock.pass(4000);
      clock.step(-3_600_000);
    });
    assert.equal(outcome.status, 500);
    assert.deepEqual(outcome.kinds, ["not_answered", "token_expired"]);
  });
});
