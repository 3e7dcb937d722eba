// InteractionRouter.awaitComponent refuses an options key that is none of
// its own, as awaitMessage does. From JavaScript (or an object built
// elsewhere) `awaitComponent({ timout: 5_000 })` waited the default
// minute. The list the check reads (`AWAIT_KEYS`, beside the router) is
// compared here with the type's keys, which the compiler keeps complete.
import assert from "node:assert/strict";
import {
  type AwaitComponentOptions,
  InteractionRouter,
} from "../../interactions/router.ts";
import { AWAIT_KEYS } from "../../interactions/_await_component_keys.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Every key of the type: a new option fails to compile here until listed. */
const TYPE_KEYS = {
  messageId: true,
  userId: true,
  customId: true,
  filter: true,
  timeout: true,
  signal: true,
} satisfies Record<keyof AwaitComponentOptions, true>;

Deno.test("awaitComponent refuses a misspelt option, naming the nearest, and starts no wait", async () => {
  const scheduler = new VirtualScheduler();
  const router = new InteractionRouter({ scheduler });
  await assert.rejects(router.awaitComponent({ timout: 5 } as never), {
    name: "TypeError",
    message:
      "Cannot create component wait as 'timout' is not one of its options (did you mean 'timeout'?)",
  });
  assert.equal(scheduler.pending, 0, "no timer was started");
  // Spelt right, the wait runs its own timeout.
  const wait = router.awaitComponent({ timeout: 5 });
  const failed = assert.rejects(wait, { name: "TimeoutError" });
  scheduler.advance(5);
  await failed;
});

Deno.test("the keys awaitComponent checks are those of AwaitComponentOptions", () => {
  assert.deepEqual([...AWAIT_KEYS].sort(), Object.keys(TYPE_KEYS).sort());
});
