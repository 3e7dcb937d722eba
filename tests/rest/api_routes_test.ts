import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import * as api from "../../rest/mod.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { RestUser } from "../../rest/payloads.ts";

const GUILD = "100000000000000001";
const CHANNEL = "100000000000000002";
const ANNOUNCE = "100000000000000003";
const FORUM = "100000000000000004";
const ada: RestUser = {
  id: "100000000000000010",
  username: "ada",
  discriminator: "0",
  global_name: "Ada",
  avatar: null,
};
const bob: RestUser = { ...ada, id: "100000000000000011", username: "bob" };

function setup(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  fake.resources.addGuild({ id: GUILD, name: "Guild" });
  for (
    const [id, type] of [[CHANNEL, 0], [ANNOUNCE, 5], [FORUM, 15]] as const
  ) {
    fake.resources.addChannel({ id, type, guild_id: GUILD, name: `c${type}` });
  }
  fake.resources.addMember(GUILD, ada);
  fake.resources.addMember(GUILD, bob, { nick: "Bobby" });
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

async function discordError(
  promise: Promise<unknown>,
): Promise<DiscordApiError> {
  const error = await promise.catch((e) => e);
  assert.ok(
    error instanceof DiscordApiError,
    `expected a DiscordApiError, got ${error}`,
  );
  return error;
}

Deno.test("channel routes: get, modify (with audit-log reason), overwrites, typing, delete", async () => {
  const { fake, rest } = setup();
  assert.equal((await api.getChannel(rest, CHANNEL)).name, "c0");
  const changed = await api.modifyChannel(rest, CHANNEL, {
    name: "renamed",
    topic: "t",
  }, {
    reason: "tidy up ✓",
  });
  assert.equal(changed.name, "renamed");
  assert.equal(
    fake.requests.at(-1)!.headers["x-audit-log-reason"],
    "tidy%20up%20%E2%9C%93",
  );
  await api.editChannelPermissions(rest, CHANNEL, ada.id, {
    type: 1,
    allow: "1024",
    deny: "0",
  });
  assert.deepEqual(fake.resources.channel(CHANNEL)!.permission_overwrites, [
    { id: ada.id, type: 1, allow: "1024", deny: "0" },
  ]);
  await api.deleteChannelPermission(rest, CHANNEL, ada.id);
  assert.deepEqual(fake.resources.channel(CHANNEL)!.permission_overwrites, []);
  await api.triggerTypingIndicator(rest, CHANNEL);
  const bad = await discordError(
    api.modifyChannel(rest, CHANNEL, { name: "" }),
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.code, 50035);
  await api.deleteChannel(rest, CHANNEL);
  const gone = await discordError(api.getChannel(rest, CHANNEL));
  assert.deepEqual([gone.status, gone.code], [404, 10003]);
  await assert.rejects(
    () => api.getChannel(rest, "not-a-snowflake"),
    /'channelId' must be a snowflake/,
  );
});

Deno.test("message routes: list with before/after/limit, get, pins, crosspost, bulk delete", async () => {
  const { fake, rest } = setup();
  const sent = [];
  for (let i = 0; i < 5; i++) {
    sent.push(await rest.createMessage(CHANNEL, { content: `m${i}` }));
  }
  const latest = await api.getChannelMessages(rest, CHANNEL, { limit: 2 });
  assert.deepEqual(latest.map((m) => m.content), ["m4", "m3"]);
  const before = await api.getChannelMessages(rest, CHANNEL, {
    before: sent[2]!.id,
  });
  assert.deepEqual(before.map((m) => m.content), ["m1", "m0"]);
  assert.equal(
    (await api.getChannelMessage(rest, CHANNEL, sent[0]!.id)).content,
    "m0",
  );
  assert.equal(
    // Sent raw: getChannelMessages refuses it unsent (route_numbers_test).
    (await discordError(
      rest.request("GET", `/channels/${CHANNEL}/messages`, {
        query: { limit: 101 },
      }),
    )).status,
    400,
  );

  await api.pinMessage(rest, CHANNEL, sent[1]!.id);
  await api.pinMessage(rest, CHANNEL, sent[3]!.id);
  const pins = await api.getChannelPins(rest, CHANNEL);
  assert.deepEqual(pins.items.map((p) => p.message.content), ["m3", "m1"]);
  await api.unpinMessage(rest, CHANNEL, sent[1]!.id);
  assert.deepEqual(fake.resources.pins(CHANNEL), [sent[3]!.id]);

  const news = await rest.createMessage(ANNOUNCE, { content: "news" });
  assert.equal(
    ((await api.crosspostMessage(rest, ANNOUNCE, news.id)).flags ?? 0) & 1,
    1,
  );
  assert.equal(
    (await discordError(api.crosspostMessage(rest, CHANNEL, sent[0]!.id))).code,
    40033,
  );

  assert.equal(
    (await discordError(
      // Sent raw: bulkDeleteMessages refuses one ID unsent.
      rest.request("POST", `/channels/${CHANNEL}/messages/bulk-delete`, {
        body: { messages: [sent[0]!.id] },
      }),
    )).code,
    50035,
  );
  await api.bulkDeleteMessages(rest, CHANNEL, {
    messages: [sent[0]!.id, sent[1]!.id],
  });
  assert.deepEqual(fake.messages(CHANNEL).map((m) => m.content), [
    "m2",
    "m3",
    "m4",
  ]);
  const old = "100000000000000000"; // 2015: older than 14 days
  assert.equal(
    (await discordError(
      api.bulkDeleteMessages(rest, CHANNEL, { messages: [old, sent[2]!.id] }),
    )).code,
    50034,
  );
});

Deno.test("reaction routes: add, list, remove own and others', clear; custom emojis by name:id", async () => {
  const { fake, rest } = setup();
  const message = await rest.createMessage(CHANNEL, { content: "vote" });
  await api.createReaction(rest, CHANNEL, message.id, "👍");
  await api.createReaction(rest, CHANNEL, message.id, "party:123456");
  const path = fake.requests.at(-1)!.path;
  assert.equal(
    path,
    `/channels/${CHANNEL}/messages/${message.id}/reactions/party%3A123456/@me`,
  );
  assert.deepEqual(
    (await api.getReactions(rest, CHANNEL, message.id, "👍")).map((u) => u.id),
    [
      fake.botUser.id,
    ],
  );
  const stored = await api.getChannelMessage(rest, CHANNEL, message.id);
  assert.deepEqual(
    (stored.reactions as {
      count: number;
      me: boolean;
      emoji: { name: string };
    }[])
      .map((r) => [r.emoji.name, r.count, r.me]),
    [["👍", 1, true], ["party", 1, true]],
  );
  await api.deleteOwnReaction(rest, CHANNEL, message.id, "👍");
  await api.deleteAllReactionsForEmoji(
    rest,
    CHANNEL,
    message.id,
    "party:123456",
  );
  assert.deepEqual(fake.resources.reactions(message.id), {});
  assert.equal(
    (await discordError(
      api.createReaction(rest, CHANNEL, message.id, "bad:emoji"),
    )).code,
    10014,
  );
  await api.createReaction(rest, CHANNEL, message.id, "🎲");
  await api.deleteUserReaction(
    rest,
    CHANNEL,
    message.id,
    "🎲",
    fake.botUser.id,
  );
  await api.createReaction(rest, CHANNEL, message.id, "🎲");
  await api.deleteAllReactions(rest, CHANNEL, message.id);
  assert.deepEqual(fake.resources.reactions(message.id), {});
});

Deno.test("thread routes: start from a message, without one, in a forum; members; archived lists", async () => {
  const { fake, rest } = setup();
  const message = await rest.createMessage(CHANNEL, { content: "topic" });
  const thread = await api.startThreadFromMessage(rest, CHANNEL, message.id, {
    name: "talk",
  });
  assert.deepEqual([thread.id, thread.type, thread.parent_id], [
    message.id,
    11,
    CHANNEL,
  ]);
  assert.equal(
    (await discordError(
      api.startThreadFromMessage(rest, CHANNEL, message.id, { name: "again" }),
    )).code,
    160004,
  );
  await api.addThreadMember(rest, thread.id, ada.id);
  assert.deepEqual(
    (await api.listThreadMembers(rest, thread.id)).map((m) => m.user_id),
    [fake.botUser.id, ada.id],
  );
  assert.equal(
    (await api.getThreadMember(rest, thread.id, ada.id)).user_id,
    ada.id,
  );
  await api.removeThreadMember(rest, thread.id, ada.id);
  await api.leaveThread(rest, thread.id);
  await api.joinThread(rest, thread.id);
  assert.deepEqual(fake.resources.threadMembers(thread.id), [fake.botUser.id]);

  const secret = await api.startThreadWithoutMessage(rest, CHANNEL, {
    name: "secret",
    type: 12,
  });
  await api.modifyChannel(rest, secret.id, { archived: true });
  assert.deepEqual(
    (await api.listPrivateArchivedThreads(rest, CHANNEL)).threads.map((t) =>
      t.id
    ),
    [secret.id],
  );
  assert.deepEqual(
    (await api.listJoinedPrivateArchivedThreads(rest, CHANNEL)).threads.length,
    1,
  );
  assert.deepEqual(
    (await api.listPublicArchivedThreads(rest, CHANNEL)).threads,
    [],
  );
  assert.equal(
    (await discordError(api.joinThread(rest, secret.id))).code,
    50083,
  );
  assert.deepEqual(
    (await api.listActiveGuildThreads(rest, GUILD)).threads.map((t) => t.id),
    [thread.id],
  );

  const post = await api.startThreadInForum(rest, FORUM, {
    name: "post",
    message: { content: "first" },
  }, {
    files: [{ name: "a.txt", data: "attached", description: "alt text" }],
    reason: "weekly post",
  });
  assert.equal(fake.messages(post.id)[0]!.content, "first");
  // The files' attachments (alt text) go in the message, where Discord
  // reads them; the reason goes in the audit log header.
  assert.deepEqual(fake.requests.at(-1)!.body, {
    name: "post",
    message: {
      content: "first",
      attachments: [{ id: 0, filename: "a.txt", description: "alt text" }],
    },
  });
  assert.deepEqual(
    (fake.messages(post.id)[0]!.attachments as { description?: string }[])
      .map((attachment) => attachment.description),
    ["alt text"],
  );
  assert.equal(
    fake.requests.at(-1)!.headers["x-audit-log-reason"],
    "weekly%20post",
  );
  assert.equal(
    (await discordError(
      api.startThreadInForum(rest, FORUM, { name: "x", message: {} }),
    )).code,
    50006,
  );
});

Deno.test("guild routes: get, preview, modify, channels, positions", async () => {
  const { fake, rest } = setup();
  assert.equal(
    (await api.getGuild(rest, GUILD, { with_counts: true })).name,
    "Guild",
  );
  assert.equal(fake.requests.at(-1)!.path, `/guilds/${GUILD}?with_counts=true`);
  assert.equal(
    (await api.getGuildPreview(rest, GUILD)).approximate_member_count,
    3,
  );
  assert.equal(
    (await api.modifyGuild(rest, GUILD, { name: "New" }, { reason: "r" })).name,
    "New",
  );
  const created = await api.createGuildChannel(rest, GUILD, {
    name: "voice",
    type: 2,
  });
  assert.equal(created.type, 2);
  assert.equal((await api.getGuildChannels(rest, GUILD)).length, 4);
  await api.modifyGuildChannelPositions(rest, GUILD, [{
    id: created.id,
    position: 3,
  }]);
  assert.equal(fake.resources.channel(created.id)!.position, 3);
  assert.equal((await discordError(api.getGuild(rest, "999"))).code, 10004);
  assert.deepEqual(await api.getGuildInvites(rest, GUILD), []);
});

Deno.test("member routes: get, list, search, modify, nickname, roles, timeout, kick, bans", async () => {
  const { fake, rest } = setup();
  assert.equal((await api.getGuildMember(rest, GUILD, bob.id)).nick, "Bobby");
  const listed = await api.listGuildMembers(rest, GUILD, { limit: 1000 });
  assert.equal(listed.length, 3);
  const page = await api.listGuildMembers(rest, GUILD, {
    limit: 1,
    after: ada.id,
  });
  assert.deepEqual(page.map((m) => m.user?.id), [bob.id]);
  assert.deepEqual(
    (await api.searchGuildMembers(rest, GUILD, { query: "bob", limit: 5 })).map(
      (m) => m.user?.id,
    ),
    [bob.id],
  );
  const role = await api.createGuildRole(rest, GUILD, { name: "mods" });
  await api.addGuildMemberRole(rest, GUILD, ada.id, role.id, {
    reason: "promoted",
  });
  assert.deepEqual(
    fake.resources.members(GUILD).find((m) => m.user.id === ada.id)!.roles,
    [role.id],
  );
  await api.removeGuildMemberRole(rest, GUILD, ada.id, role.id);
  assert.equal(
    (await discordError(api.addGuildMemberRole(rest, GUILD, ada.id, "404")))
      .code,
    10011,
  );
  const nick = await api.modifyGuildMember(rest, GUILD, ada.id, { nick: "A" });
  assert.equal(nick.nick, "A");
  assert.equal(
    (await discordError(
      api.modifyGuildMember(rest, GUILD, ada.id, { nick: "x".repeat(33) }),
    )).status,
    400,
  );
  const far = new Date(Date.now() + 29 * 24 * 3600 * 1000).toISOString();
  assert.equal(
    (await discordError(
      // Sent raw: modifyGuildMember refuses it unsent.
      rest.request("PATCH", `/guilds/${GUILD}/members/${ada.id}`, {
        body: { communication_disabled_until: far },
      }),
    )).status,
    400,
  );
  assert.equal(
    (await api.modifyCurrentMember(rest, GUILD, { nick: "Bot" })).nick,
    "Bot",
  );

  await api.removeGuildMember(rest, GUILD, bob.id, { reason: "kick" });
  assert.equal(
    (await discordError(api.getGuildMember(rest, GUILD, bob.id))).code,
    10007,
  );
  await api.createGuildBan(rest, GUILD, ada.id, {
    delete_message_seconds: 3600,
  });
  assert.deepEqual(fake.resources.bans(GUILD), [ada.id]);
  assert.equal((await api.getGuildBan(rest, GUILD, ada.id)).user.id, ada.id);
  assert.equal((await api.getGuildBans(rest, GUILD)).length, 1);
  assert.equal(
    (await discordError(
      // Sent raw: createGuildBan refuses it unsent.
      rest.request("PUT", `/guilds/${GUILD}/bans/${bob.id}`, {
        body: { delete_message_seconds: 604801 },
      }),
    )).status,
    400,
  );
  await api.removeGuildBan(rest, GUILD, ada.id);
  assert.equal(
    (await discordError(api.removeGuildBan(rest, GUILD, ada.id))).code,
    10026,
  );
  const bulk = await api.bulkGuildBan(rest, GUILD, {
    user_ids: [ada.id, "123"],
  });
  assert.deepEqual(bulk, { banned_users: [ada.id], failed_users: ["123"] });
});

Deno.test("role routes: list, get, create, modify, positions, delete", async () => {
  const { fake, rest } = setup();
  const role = await api.createGuildRole(rest, GUILD, {
    name: "red",
    color: 0xff0000,
    permissions: "8",
  });
  assert.equal((await api.getGuildRole(rest, GUILD, role.id)).color, 0xff0000);
  assert.equal(
    (await api.modifyGuildRole(rest, GUILD, role.id, { name: "blue" })).name,
    "blue",
  );
  const moved = await api.modifyGuildRolePositions(rest, GUILD, [{
    id: role.id,
    position: 5,
  }]);
  assert.equal(moved.find((r) => r.id === role.id)!.position, 5);
  assert.equal((await api.getGuildRoles(rest, GUILD)).length, 2);
  assert.equal(
    (await discordError(
      api.createGuildRole(rest, GUILD, { name: "x".repeat(101) }),
    )).status,
    400,
  );
  await api.deleteGuildRole(rest, GUILD, role.id);
  assert.equal(fake.resources.roles(GUILD).length, 1);
  assert.equal(
    (await discordError(api.deleteGuildRole(rest, GUILD, GUILD))).code,
    10011,
  );
});

Deno.test("webhook routes: create, list, execute with and without wait, in a thread, edit and delete messages", async () => {
  const { fake, rest } = setup();
  const hook = await api.createWebhook(rest, CHANNEL, { name: "Announcer" }, {
    reason: "r",
  });
  assert.equal(
    (await discordError(api.createWebhook(rest, CHANNEL, { name: "clyde" })))
      .status,
    400,
  );
  assert.equal((await api.getChannelWebhooks(rest, CHANNEL)).length, 1);
  assert.equal((await api.getGuildWebhooks(rest, GUILD)).length, 1);
  const token = hook.token!;
  const quiet = await api.executeWebhook(rest, hook.id, token, {
    content: "no wait",
  });
  assert.equal(quiet, undefined);
  const message = await api.executeWebhook(rest, hook.id, token, {
    content: "waited",
    username: "Herald",
  }, {
    wait: true,
    files: [{ name: "f.txt", data: "x" }],
  });
  assert.equal(message.content, "waited");
  assert.equal(message.author.username, "Herald");
  assert.equal(
    fake.requests.at(-1)!.headers["authorization"],
    undefined,
    "webhook token routes send no bot token",
  );
  assert.equal((message.attachments as unknown[]).length, 1);
  const edited = await api.editWebhookMessage(
    rest,
    hook.id,
    token,
    message.id,
    { content: "edited" },
  );
  assert.equal(edited.content, "edited");
  assert.equal(
    (await api.getWebhookMessage(rest, hook.id, token, message.id)).content,
    "edited",
  );
  await api.deleteWebhookMessage(rest, hook.id, token, message.id);
  assert.deepEqual(fake.messages(CHANNEL).map((m) => m.content), ["no wait"]);

  const starter = await rest.createMessage(CHANNEL, { content: "t" });
  const thread = await api.startThreadFromMessage(rest, CHANNEL, starter.id, {
    name: "th",
  });
  await api.executeWebhook(rest, hook.id, token, { content: "in thread" }, {
    threadId: thread.id,
  });
  assert.equal(fake.messages(thread.id)[0]!.content, "in thread");
  // Components through a webhook no application owns need with_components.
  await api.executeWebhook(rest, hook.id, token, { content: "c" }, {
    withComponents: true,
  });
  assert.match(fake.requests.at(-1)!.path, /[?&]with_components=true(&|$)/);

  assert.equal(
    (await discordError(api.getWebhookWithToken(rest, hook.id, "wrong"))).code,
    50027,
  );
  assert.equal(
    (await api.modifyWebhook(rest, hook.id, { name: "Renamed" })).name,
    "Renamed",
  );
  assert.equal(
    (await api.modifyWebhookWithToken(rest, hook.id, token, { name: "Again" }))
      .name,
    "Again",
  );
  assert.equal((await api.getWebhook(rest, hook.id)).name, "Again");
  await api.deleteWebhookWithToken(rest, hook.id, token);
  assert.deepEqual(fake.resources.webhooks(), []);
});

Deno.test("user routes: me, a user, the bot's guilds and member, DMs, leaving", async () => {
  const { fake, rest } = setup();
  assert.equal((await api.getCurrentUser(rest)).id, fake.botUser.id);
  assert.equal((await api.getUser(rest, ada.id)).username, "ada");
  assert.equal((await discordError(api.getUser(rest, "42"))).code, 10013);
  assert.equal(
    (await api.modifyCurrentUser(rest, { username: "NewBot" })).username,
    "NewBot",
  );
  assert.deepEqual((await api.getCurrentUserGuilds(rest)).map((g) => g.id), [
    GUILD,
  ]);
  // The bot's own member: the guild member route with its user id
  // (getCurrentUserGuildMember needs a user's OAuth2 token).
  assert.equal(
    (await api.getGuildMember(rest, GUILD, fake.botUser.id)).user?.id,
    fake.botUser.id,
  );
  const dm = await api.createDM(rest, { recipient_id: ada.id });
  assert.equal(dm.type, 1);
  assert.equal((await api.createDM(rest, { recipient_id: ada.id })).id, dm.id);
  const hi = await rest.createMessage(dm.id, { content: "hi" });
  assert.equal(hi.channel_id, dm.id);
  await api.leaveGuild(rest, GUILD);
  assert.deepEqual(await api.getCurrentUserGuilds(rest), []);
});

Deno.test("routes without fake state still build Discord's requests", async () => {
  const { fake, rest } = setup();
  const calls: [() => Promise<unknown>, string, string][] = [
    [
      () => api.getInvite(rest, "abc/def", { with_counts: true }),
      "GET",
      "/invites/abc%2Fdef?with_counts=true",
    ],
    [() => api.deleteInvite(rest, "abc"), "DELETE", "/invites/abc"],
    [
      () => api.getGuildAuditLog(rest, GUILD, { action_type: 22, limit: 5 }),
      "GET",
      `/guilds/${GUILD}/audit-logs?action_type=22&limit=5`,
    ],
    [
      () => api.listScheduledEvents(rest, GUILD),
      "GET",
      `/guilds/${GUILD}/scheduled-events`,
    ],
    [
      () => api.deleteScheduledEvent(rest, GUILD, "5"),
      "DELETE",
      `/guilds/${GUILD}/scheduled-events/5`,
    ],
    [() => api.listGuildEmojis(rest, GUILD), "GET", `/guilds/${GUILD}/emojis`],
    [() => api.getSticker(rest, "7"), "GET", "/stickers/7"],
    [
      () => api.getGlobalApplicationCommands(rest, fake.applicationId),
      "GET",
      `/applications/${fake.applicationId}/commands`,
    ],
    [
      () =>
        api.deleteGuildApplicationCommand(rest, fake.applicationId, GUILD, "9"),
      "DELETE",
      `/applications/${fake.applicationId}/guilds/${GUILD}/commands/9`,
    ],
    [
      () =>
        api.createAutoModerationRule(rest, GUILD, {
          name: "no spam",
          event_type: 1,
          trigger_type: 3,
          actions: [{ type: 1 }],
        }),
      "POST",
      `/guilds/${GUILD}/auto-moderation/rules`,
    ],
    [
      () => api.getStageInstance(rest, CHANNEL),
      "GET",
      `/stage-instances/${CHANNEL}`,
    ],
    [
      () => api.listGuildSoundboardSounds(rest, GUILD),
      "GET",
      `/guilds/${GUILD}/soundboard-sounds`,
    ],
    [
      () =>
        api.listEntitlements(rest, fake.applicationId, { exclude_ended: true }),
      "GET",
      `/applications/${fake.applicationId}/entitlements?exclude_ended=true`,
    ],
    [
      () => api.getAnswerVoters(rest, CHANNEL, "123", "1", { limit: 10 }),
      "GET",
      `/channels/${CHANNEL}/polls/123/answers/1?limit=10`,
    ],
    [() => api.listVoiceRegions(rest), "GET", "/voice/regions"],
    [
      () => api.getGuildPruneCount(rest, GUILD, { days: 7 }),
      "GET",
      `/guilds/${GUILD}/prune?days=7`,
    ],
    [
      () => api.getGuildRoleMemberCounts(rest, GUILD),
      "GET",
      `/guilds/${GUILD}/roles/member-counts`,
    ],
    [
      () => api.setVoiceChannelStatus(rest, CHANNEL, { status: "live" }),
      "PUT",
      `/channels/${CHANNEL}/voice-status`,
    ],
    [
      () => api.listApplicationEmojis(rest, fake.applicationId),
      "GET",
      `/applications/${fake.applicationId}/emojis`,
    ],
    [
      () =>
        api.followAnnouncementChannel(rest, ANNOUNCE, {
          webhook_channel_id: CHANNEL,
        }),
      "POST",
      `/channels/${ANNOUNCE}/followers`,
    ],
  ];
  for (const [call, method, path] of calls) {
    await call().catch(() => {});
    const request = fake.requests.at(-1)!;
    assert.deepEqual([request.method, request.path], [method, path]);
  }
});

Deno.test("createGuildSticker sends plain form fields and the file, not payload_json", async () => {
  const { fake, rest } = setup();
  await api.createGuildSticker(rest, GUILD, {
    name: "dice",
    description: "A die",
    tags: "🎲",
    file: {
      name: "dice.png",
      data: new Uint8Array([137, 80]),
      contentType: "image/png",
    },
  }, { reason: "fun" }).catch(() => {});
  const request = fake.requests.at(-1)!;
  assert.equal(request.path, `/guilds/${GUILD}/stickers`);
  assert.match(request.headers["content-type"]!, /^multipart\/form-data/);
  assert.equal(request.headers["x-audit-log-reason"], "fun");
  assert.deepEqual(
    request.files!.map((f) => [f.field, f.name, f.contentType]),
    [
      ["file", "dice.png", "image/png"],
    ],
  );
  await assert.rejects(
    api.createGuildSticker(rest, GUILD, {
      name: "big",
      description: "d",
      tags: "t",
      file: { name: "big.png", data: new Uint8Array(512 * 1024 + 1) },
    }),
    /exceeds the upload limit/,
  );
});

Deno.test("free-text path segments refuse '.' and '..', which the URL would drop or climb (DELETE .../reactions/.. deleted the message)", async () => {
  const { fake, rest } = setup();
  const calls: [string, () => Promise<unknown>][] = [];
  for (const dots of [".", ".."]) {
    calls.push(
      [
        "emoji",
        () => api.deleteAllReactionsForEmoji(rest, CHANNEL, "1", dots),
      ],
      ["emoji", () => api.getReactions(rest, CHANNEL, "1", dots)],
      ["emoji", () => api.createReaction(rest, CHANNEL, "1", dots)],
      ["emoji", () => api.deleteOwnReaction(rest, CHANNEL, "1", dots)],
      ["emoji", () => api.deleteUserReaction(rest, CHANNEL, "1", dots, "2")],
      ["code", () => api.deleteInvite(rest, dots)],
      ["code", () => api.getInvite(rest, dots)],
      ["webhookToken", () => api.getWebhookWithToken(rest, "1", dots)],
      [
        "webhookToken",
        () => api.executeWebhook(rest, "1", dots, { content: "x" }),
      ],
      ["webhookToken", () => api.deleteWebhookMessage(rest, "1", dots, "2")],
    );
  }
  for (const [name, call] of calls) {
    await assert.rejects(async () => await call(), (error: unknown) => {
      assert.ok(error instanceof TypeError, String(error));
      assert.match(error.message, new RegExp(`'${name}' must not be '.' or`));
      return true;
    });
  }
  assert.equal(fake.requests.length, 0, "nothing was sent");
  // Dots inside a segment are data, sent as they are.
  await api.getReactions(rest, CHANNEL, "1", "a..b").catch(() => {});
  assert.equal(fake.requests.at(-1)?.path.endsWith("/reactions/a..b"), true);
});
