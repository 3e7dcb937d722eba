// awaitMessage resolves with the first message that meets all it was given
// (channel, author and filter): one its filter turns down is passed over,
// and the wait goes on.
import assert from "node:assert/strict";
import {
  awaitMessage,
  type CreatedMessage,
  type MessageSource,
} from "../../interactions/await_message.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A source whose `post` hands a message to its MESSAGE_CREATE listeners. */
function source(): MessageSource & { post(message: object): void } {
  const listeners = new Set<(message: CreatedMessage) => void>();
  return {
    on: (_, listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    post: (message) => {
      for (const listener of listeners) listener(message as CreatedMessage);
    },
  };
}

Deno.test("awaitMessage passes over a message its filter turns down and resolves with the next that passes", async () => {
  const clock = new VirtualScheduler();
  const messages = source();
  const seen: string[] = [];
  const waiting = awaitMessage(messages, {
    scheduler: clock,
    channelId: "c",
    authorId: "a",
    filter: (message) => {
      seen.push(message.content);
      return message.content === "yes";
    },
  });
  messages.post({
    id: "1",
    channel_id: "c",
    author: { id: "a" },
    content: "no",
  });
  messages.post({
    id: "2",
    channel_id: "c",
    author: { id: "a" },
    content: "yes",
  });
  assert.equal((await waiting).id, "2");
  assert.deepEqual(seen, ["no", "yes"]);
  assert.equal(clock.pending, 0);
});

Deno.test("awaitMessage whose source refuses the listener rejects, files nothing, and a later wait still lets go of its listener", async () => {
  const clock = new VirtualScheduler();
  const messages = source();
  let listening = 0;
  let refuse = true;
  const counted: MessageSource = {
    on: (event, listener) => {
      if (refuse) throw new Error("source closed");
      listening++;
      const off = messages.on(event, listener);
      return () => {
        listening--;
        off();
      };
    },
  };
  await assert.rejects(
    awaitMessage(counted, { scheduler: clock }),
    /source closed/,
  );
  refuse = false;
  const waiting = awaitMessage(counted, { scheduler: clock });
  assert.equal(listening, 1);
  messages.post({ id: "1", channel_id: "c", author: { id: "a" } });
  assert.equal((await waiting).id, "1");
  assert.equal(listening, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("one awaitMessage ending leaves another pending wait on the same source receiving messages", async () => {
  const clock = new VirtualScheduler();
  const messages = source();
  const abort = new AbortController();
  const ended = awaitMessage(messages, {
    scheduler: clock,
    signal: abort.signal,
  });
  const waiting = awaitMessage(messages, { scheduler: clock, channelId: "c" });
  abort.abort();
  await assert.rejects(ended);
  messages.post({ id: "1", channel_id: "c", author: { id: "a" } });
  assert.equal((await waiting).id, "1");
  assert.equal(clock.pending, 0);
});
