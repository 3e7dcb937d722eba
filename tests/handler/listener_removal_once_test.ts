// The registrations behind client.on(): each remover removes its own
// registration once, and a function registered twice stays until both of
// its removers ran.
import assert from "node:assert/strict";
import { EventListeners } from "../../handler/_event_listeners.ts";

Deno.test("A listener's remover removes it once: a second call says false and leaves the same function's other registration", () => {
  const listeners = new EventListeners<() => void>();
  const f = () => {};
  const first = listeners.add("MESSAGE_CREATE", f);
  const second = listeners.add("MESSAGE_CREATE", f);
  assert.equal(first(), true);
  assert.equal(first(), false, "already removed");
  assert.deepEqual([...listeners.get("MESSAGE_CREATE")!], [f]);
  assert.equal(second(), true);
  assert.equal(listeners.get("MESSAGE_CREATE"), undefined);
  assert.deepEqual([...listeners.events()], []);
  assert.equal(second(), false);
});
