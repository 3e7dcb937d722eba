// Audit-log reasons (`X-Audit-Log-Reason`) go where Discord takes them, as
// Discord takes them. Discord allows 1-512 characters: a longer reason was
// sent and answered 400, so the ban, kick or delete did not happen, and an
// empty one went out as an empty header. The header also went out on routes
// that record nothing (a message created, an interaction answered, any GET
// through a cast), `files` turned a message DELETE into a multipart one,
// and the webhook routes with a token took no reason though Discord's docs
// give them Modify/Delete Webhook's ("same as above").
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import * as api from "../../rest/mod.ts";
import type { FileUpload } from "../../rest/uploads.ts";

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  multipart: boolean;
}

/** A client whose fetch answers every request and records it. */
function setup(): { sent: Sent[]; rest: RestClient } {
  const sent: Sent[] = [];
  const rest = new RestClient({
    token: "bot-token",
    maxRetries: 0,
    fetch: (input, init) => {
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, name) =>
        headers[name] = value
      );
      sent.push({
        method: init?.method ?? "GET",
        path: new URL(String(input)).pathname.replace("/api/v10", ""),
        headers,
        multipart: init?.body instanceof FormData,
      });
      return Promise.resolve(
        init?.method === "DELETE"
          ? new Response(null, { status: 204 })
          : Response.json({ id: "9" }),
      );
    },
  });
  return { sent, rest };
}

/** `call()` returns a promise (does not throw) that rejects with `error`. */
async function rejects(
  call: () => Promise<unknown>,
  error: { name: string; message: RegExp },
): Promise<void> {
  let result: Promise<unknown> | undefined;
  assert.doesNotThrow(() => result = call());
  await assert.rejects(result!, error);
}

const TOO_LONG = {
  name: "TypeError",
  message:
    /^Cannot send request as 'reason' must be at most 512 characters \(code points; Discord's limit for X-Audit-Log-Reason\): it has 513$/,
};

Deno.test("audit-log reason: an empty one sends no header", async () => {
  const { sent, rest } = setup();
  await api.deleteChannel(rest, "1", { reason: "" });
  await api.modifyChannel(rest, "1", { name: "n" }, { reason: "" });
  assert.equal(sent.length, 2);
  for (const request of sent) {
    assert.equal(request.headers["x-audit-log-reason"], undefined);
  }
});

Deno.test("audit-log reason: 512 characters are sent, counted in code points as Discord counts them", async () => {
  const { sent, rest } = setup();
  // 512 characters, 1024 UTF-16 units.
  await api.removeGuildMember(rest, "1", "2", { reason: "🔥".repeat(512) });
  assert.equal(
    sent[0]!.headers["x-audit-log-reason"],
    encodeURIComponent("🔥".repeat(512)),
  );
});

Deno.test("audit-log reason: one over 512 characters rejects the call with a TypeError and sends nothing", async () => {
  const { sent, rest } = setup();
  const reason = "x".repeat(511) + "🔥🔥";
  // Refused at once whether the route function is async or not, and
  // whether the request goes through the client's own method.
  await rejects(
    () => api.createGuildBan(rest, "1", "2", {}, { reason }),
    TOO_LONG,
  );
  await rejects(
    () => api.modifyChannel(rest, "1", { name: "n" }, { reason }),
    TOO_LONG,
  );
  await rejects(() => rest.deleteMessage("1", "2", { reason }), TOO_LONG);
  await rejects(
    () => rest.request("DELETE", "/channels/1", { reason }),
    TOO_LONG,
  );
  // With files, refused before any of them is read.
  let read = false;
  const file: FileUpload = {
    name: "a.txt",
    data: new ReadableStream<Uint8Array>({
      pull(controller): void {
        read = true;
        controller.close();
      },
    }, { highWaterMark: 0 }), // pulled only when read
  };
  await rejects(
    () =>
      api.startThreadInForum(rest, "1", {
        name: "post",
        message: { content: "x" },
      }, { reason, files: [file] }),
    TOO_LONG,
  );
  assert.equal(read, false, "no file was read");
  assert.equal(sent.length, 0, "nothing was sent");
});

Deno.test("webhook routes with a token take an audit-log reason, as Modify and Delete Webhook do", async () => {
  const { sent, rest } = setup();
  await api.modifyWebhookWithToken(rest, "1", "webhook-token", { name: "n" }, {
    reason: "rename",
  });
  await api.deleteWebhookWithToken(rest, "1", "webhook-token", {
    reason: "rotating a leaked webhook",
  });
  assert.deepEqual(
    sent.map((r) => [r.method, r.headers["x-audit-log-reason"]]),
    [["PATCH", "rename"], ["DELETE", "rotating%20a%20leaked%20webhook"]],
  );
});

Deno.test("a reason or files given to a route that does not take them is a TypeError, and nothing is sent", async () => {
  const { sent, rest } = setup();
  const files = [{ name: "a.txt", data: "x" }];
  const noReason = {
    name: "TypeError",
    message:
      /^Cannot build route as 'reason' is not one of its options: Discord keeps no audit-log entry for this route/,
  };
  const noFiles = (key: string) => ({
    name: "TypeError",
    message: new RegExp(
      `^Cannot build route as '${key}' is not one of its options: this route takes no attachments$`,
    ),
  });
  // The client's own methods take only what their route takes.
  await assert.rejects(
    () =>
      rest.createInteractionResponse("5", "interaction-token", { type: 1 }, {
        // @ts-expect-error: an interaction callback records no audit log.
        reason: "why",
      }),
    noReason,
  );
  await assert.rejects(
    // @ts-expect-error: a created message records no audit log.
    () => rest.createMessage("1", { content: "x" }, { reason: "why" }),
    noReason,
  );
  await assert.rejects(
    () =>
      rest.editFollowupMessage("5", "interaction-token", "7", {}, {
        // @ts-expect-error: a follow-up records no audit log.
        reason: "why",
      }),
    noReason,
  );
  await assert.rejects(
    // @ts-expect-error: a DELETE carries no attachments.
    () => rest.deleteMessage("1", "2", { files }),
    noFiles("files"),
  );
  await assert.rejects(
    // @ts-expect-error: nor an upload limit.
    () => rest.deleteMessage("1", "2", { uploadLimit: 1 }),
    noFiles("uploadLimit"),
  );
  // A route function reached through a cast (or from JavaScript).
  const cast = { reason: "why" } as api.RouteOptions;
  await assert.rejects(() => api.getChannel(rest, "1", cast), noReason);
  await assert.rejects(() => api.leaveGuild(rest, "1", cast), noReason);
  await assert.rejects(
    () =>
      api.modifyChannel(rest, "1", { name: "n" }, {
        files,
      } as api.AuditedRouteOptions),
    noFiles("files"),
  );
  assert.equal(sent.length, 0, "nothing was sent");
  // Where the route takes them, they are sent.
  await rest.deleteMessage("1", "2", { reason: "spam" });
  await rest.createMessage("1", { content: "x" }, { files });
  assert.deepEqual(
    sent.map((r) => [r.method, r.headers["x-audit-log-reason"], r.multipart]),
    [["DELETE", "spam", false], ["POST", undefined, true]],
  );
});
