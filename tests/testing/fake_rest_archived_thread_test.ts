// Archived threads as Discord keeps them (topics/threads.mdx, "Active &
// Archived Threads"): no message edited and no reaction added in one (400
// 50083); a message sent in one unarchives it, with a THREAD_UPDATE, and the
// bot (it owns the fake's guilds: MANAGE_THREADS) may do so in a locked one.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { UnknownWebhookError } from "../../rest/invalid_requests.ts";
import {
  createReaction,
  getChannel,
  modifyChannel,
  startThreadWithoutMessage,
} from "../../rest/mod.ts";
import { createWebhook, executeWebhook } from "../../rest/api/webhooks.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";
import { CHANNEL, oneChannel } from "./_one_channel.ts";

const archivedError = (e: unknown) =>
  e instanceof DiscordApiError && e.status === 400 && e.code === 50083;

/** A thread with one message, archived (and `locked` if asked). */
async function archivedThread(locked: boolean): Promise<{
  fake: FakeRest;
  rest: RestClient;
  thread: { id: string };
  message: RestMessage;
  events: [string, Record<string, unknown>][];
}> {
  const { fake, rest } = oneChannel();
  const thread = await startThreadWithoutMessage(rest, CHANNEL, {
    name: "t",
    type: 11,
  });
  const message = await rest.createMessage(thread.id, { content: "first" });
  await modifyChannel(rest, thread.id, { archived: true, locked });
  const events: [string, Record<string, unknown>][] = [];
  fake.onGatewayEvent = (event, data) => void events.push([event, data]);
  return { fake, rest, thread, message, events };
}

const isArchived = (channel: unknown): boolean =>
  (channel as { thread_metadata: { archived: boolean } }).thread_metadata
    .archived;

Deno.test("FakeRest: a message in an archived thread is neither edited nor reacted to (50083)", async () => {
  const { fake, rest, thread, message, events } = await archivedThread(false);
  await assert.rejects(
    () => rest.editMessage(thread.id, message.id, { content: "edited" }),
    archivedError,
  );
  await assert.rejects(
    () => createReaction(rest, thread.id, message.id, "👍"),
    archivedError,
  );
  assert.equal(fake.messages(thread.id)[0]!.content, "first");
  assert.deepEqual(fake.resources.reactions(message.id), {});
  assert.deepEqual(events, []);
});

Deno.test("FakeRest: a message sent in an archived thread unarchives it, with a THREAD_UPDATE", async () => {
  const { rest, thread, events } = await archivedThread(false);
  await rest.createMessage(thread.id, { content: "wake" });
  assert.equal(isArchived(await getChannel(rest, thread.id)), false);
  const update = events.find(([event]) => event === "THREAD_UPDATE");
  assert.ok(update, "THREAD_UPDATE dispatched");
  assert.equal(isArchived(update[1]), false);
  assert.deepEqual(events.map(([event]) => event), ["THREAD_UPDATE"]);
});

Deno.test("FakeRest: the bot (MANAGE_THREADS) unarchives a locked thread by sending in it", async () => {
  const { rest, thread } = await archivedThread(true);
  await rest.createMessage(thread.id, { content: "mod note" });
  const after = await getChannel(rest, thread.id) as unknown as {
    thread_metadata: { archived: boolean; locked: boolean };
  };
  assert.equal(after.thread_metadata.archived, false);
  assert.equal(after.thread_metadata.locked, true);
});

Deno.test("FakeRest: a webhook's message into an archived thread unarchives it, as Execute Webhook's docs say", async () => {
  const { rest, thread, events } = await archivedThread(false);
  const hook = await createWebhook(rest, CHANNEL, { name: "h" });
  const posted = await executeWebhook(rest, hook.id, hook.token!, {
    content: "via webhook",
  }, { wait: true, threadId: thread.id });
  const after = await getChannel(rest, thread.id) as {
    thread_metadata?: { archived?: boolean };
  };
  assert.equal(after.thread_metadata?.archived, false);
  assert.ok(events.some(([event]) => event === "THREAD_UPDATE"));
  await createReaction(rest, thread.id, posted.id, "👍");
});

Deno.test("FakeRest: a deleted channel's webhooks go with it (executing one answers 10015)", async () => {
  const { fake, rest } = oneChannel();
  const hook = await createWebhook(rest, CHANNEL, { name: "h" });
  await rest.request("DELETE", `/channels/${CHANNEL}`);
  await assert.rejects(
    executeWebhook(rest, hook.id, hook.token!, { content: "x" }, {
      wait: true,
    }),
    (e: unknown) => e instanceof DiscordApiError && e.code === 10015,
  );
  assert.equal(fake.messages(CHANNEL).length, 0);
});

Deno.test("FakeRest: a deleted channel's webhook is answered 10015 on its own routes, as a bot cleaning it up expects", async () => {
  const { rest } = oneChannel();
  const hook = await createWebhook(rest, CHANNEL, { name: "h" });
  await rest.request("DELETE", `/channels/${CHANNEL}`);
  for (
    const path of [`/webhooks/${hook.id}`, `/webhooks/${hook.id}/${hook.token}`]
  ) {
    for (const method of ["GET", "DELETE"] as const) {
      await assert.rejects(
        rest.request(method, path),
        // 10015; a DELETE is then refused by the client's webhook guard.
        (e: unknown) =>
          (e instanceof DiscordApiError && e.code === 10015) ||
          (e instanceof UnknownWebhookError && e.status === 404),
        `${method} ${path}`,
      );
    }
  }
});
