// FakeRest answers Search Guild Messages (message.mdx) over the messages it
// stores: the guild's channels only, age-restricted ones only with
// include_nsfw, each filter of the docs' table, the sort modes, limit and
// offset with total_results counting every match, and the answer nested as
// Discord nests it (one-message arrays, no reactions, threads and the bot's
// thread members), driven through the real searchGuildMessages.
import assert from "node:assert/strict";
import {
  pinMessage,
  searchGuildMessages,
  startThreadFromMessage,
} from "../../rest/mod.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import {
  ADA,
  ELSEWHERE_TEXT,
  found,
  GUILD,
  message,
  NSFW,
  NSFW_THREAD,
  OTHER,
  ROBOT,
  searchScene,
  seed,
  TEXT,
} from "./_search_guild.ts";

Deno.test("FakeRest search: one-message arrays without reactions, newest first, only the guild's channels", async () => {
  const { fake, rest } = searchScene();
  const [old, recent] = seed(
    fake,
    message(TEXT, {
      content: "old",
      reactions: [{ count: 1, me: false, emoji: { id: null, name: "👍" } }],
    } as Partial<RestMessage>),
    message(OTHER, { content: "recent" }),
    message(ELSEWHERE_TEXT, { content: "another guild's" }),
    message("100000000000000099", { content: "no stored channel" }),
    message(TEXT, { content: "ephemeral", flags: 64 }),
  );
  const results = await searchGuildMessages(rest, GUILD);
  assert.equal(results.doing_deep_historical_index, false);
  assert.equal(results.total_results, 2);
  assert.deepEqual(results.messages.map((group) => group.length), [1, 1]);
  assert.deepEqual(results.messages.map(([m]) => m!.id), [recent, old]);
  assert.equal("reactions" in results.messages[1]![0]!, false);
  assert.equal(results.messages[1]![0]!.content, "old");
  // Not in a thread: the docs' optional threads and members are left out.
  assert.equal("threads" in results, false);
  assert.equal("members" in results, false);
  // The store keeps its reactions: the answer is a copy.
  assert.equal(fake.messages(TEXT)[0]!.reactions?.length, 1);
});

Deno.test("FakeRest search: age-restricted channels and their threads only with include_nsfw", async () => {
  const { fake, rest } = searchScene();
  const [safe, nsfw, thread] = seed(
    fake,
    message(TEXT),
    message(NSFW),
    message(NSFW_THREAD),
  );
  assert.deepEqual(await found(rest), [safe]);
  assert.deepEqual(await found(rest, { include_nsfw: false }), [safe]);
  assert.deepEqual(await found(rest, { include_nsfw: true }), [
    thread,
    nsfw,
    safe,
  ]);
});

Deno.test("FakeRest search: content matches every word, any order, any case, whole words", async () => {
  const { fake, rest } = searchScene();
  const [both, reversed] = seed(
    fake,
    message(TEXT, { content: "Deploy the API now" }),
    message(TEXT, { content: "api: deploy!" }),
    message(TEXT, { content: "deployment of the api" }),
    message(TEXT, { content: "deploy only" }),
  );
  assert.deepEqual(await found(rest, { content: "deploy API" }), [
    reversed,
    both,
  ]);
  // slop is taken and does not change the fake's matching.
  assert.deepEqual(await found(rest, { content: "api deploy", slop: 0 }), [
    reversed,
    both,
  ]);
  assert.deepEqual(await found(rest, { content: "deploy api missing" }), []);
});

Deno.test("FakeRest search: author_id, and author_type user, bot, webhook and their negations", async () => {
  const { fake, rest } = searchScene();
  const [user, robot, hook] = seed(
    fake,
    message(TEXT),
    message(TEXT, { author: ROBOT }),
    message(TEXT, {
      webhook_id: "400000000000000001",
      author: { ...ROBOT, id: "400000000000000001" },
    }),
  );
  // An interaction's answer: webhook_id is its application's id.
  const reply = await rest.createMessage(TEXT, { content: "mine" });
  const answer = message(TEXT, {
    author: fake.botUser,
    webhook_id: fake.applicationId,
    application_id: fake.applicationId,
    type: 20,
  });
  seed(fake, answer);
  assert.deepEqual(await found(rest, { author_type: ["user"] }), [user]);
  // The fake's own ids carry its clock's time: newer than the seeded ones.
  assert.deepEqual(await found(rest, { author_type: ["bot"] }), [
    reply.id,
    answer.id,
    robot,
  ]);
  assert.deepEqual(await found(rest, { author_type: ["webhook"] }), [hook]);
  assert.deepEqual(await found(rest, { author_type: ["-bot"] }), [hook, user]);
  assert.deepEqual(
    await found(rest, { author_type: ["user", "webhook"] }),
    [hook, user],
  );
  assert.deepEqual(
    await found(rest, { author_type: ["-bot", "-webhook"] }),
    [user],
  );
  assert.deepEqual(
    await found(rest, { author_id: [ROBOT.id, ADA.id] }),
    [robot, user],
  );
  assert.deepEqual(await found(rest, { author_id: [fake.botUser.id] }), [
    reply.id,
    answer.id,
  ]);
});

Deno.test("FakeRest search: channel_id, mentions, mentions_role_id, mention_everyone and pinned (a pin made over REST)", async () => {
  const { fake, rest } = searchScene();
  const role = "200000000000000001";
  const [plain, mentioning, roles, everyone] = seed(
    fake,
    message(TEXT),
    message(OTHER, { mentions: [ROBOT] }),
    message(TEXT, { mention_roles: [role] }),
    message(OTHER, { mention_everyone: true }),
  );
  await pinMessage(rest, TEXT, plain!);
  assert.deepEqual(await found(rest, { channel_id: [OTHER] }), [
    everyone,
    mentioning,
  ]);
  assert.deepEqual(await found(rest, { channel_id: [ELSEWHERE_TEXT] }), []);
  assert.deepEqual(await found(rest, { mentions: [ROBOT.id] }), [mentioning]);
  assert.deepEqual(await found(rest, { mentions_role_id: [role] }), [roles]);
  assert.deepEqual(await found(rest, { mention_everyone: true }), [everyone]);
  assert.deepEqual(await found(rest, { mention_everyone: false }), [
    roles,
    mentioning,
    plain,
  ]);
  assert.deepEqual(await found(rest, { pinned: true }), [plain]);
  assert.deepEqual(await found(rest, { pinned: false }), [
    everyone,
    roles,
    mentioning,
  ]);
  assert.deepEqual(
    await found(rest, { channel_id: [TEXT], pinned: false }),
    [roles],
  );
});

Deno.test("FakeRest search: has file, image, video, sound, embed, link, poll, sticker, snapshot, and negated", async () => {
  const { fake, rest } = searchScene();
  const attachment = (filename: string, content_type: string) => ({
    id: "600000000000000001",
    filename,
    content_type,
    size: 1,
    url: "https://cdn.discordapp.com/x",
    proxy_url: "https://media.discordapp.net/x",
  });
  const [plain, file, picture, clip, song, embed, link, poll, sticker, fwd] =
    seed(
      fake,
      message(TEXT, { content: "nothing" }),
      message(TEXT, { attachments: [attachment("notes.txt", "text/plain")] }),
      message(TEXT, { attachments: [attachment("cat.png", "image/png")] }),
      message(TEXT, { embeds: [{ type: "video", url: "https://v.example" }] }),
      message(TEXT, { attachments: [attachment("a.ogg", "audio/ogg")] }),
      message(TEXT, { embeds: [{ title: "rich" }] }),
      message(TEXT, { content: "see https://discord.com/developers" }),
      message(TEXT, { poll: { question: { text: "?" } } } as never),
      message(TEXT, {
        sticker_items: [{
          id: "700000000000000001",
          name: "s",
          format_type: 1,
        }],
      }),
      message(TEXT, {
        message_reference: { type: 1, message_id: "1" },
        message_snapshots: [{ message: { content: "fwd" } }],
      } as never),
    );
  const has = async (...kinds: string[]): Promise<string[]> =>
    await found(rest, { has: kinds as never, sort_order: "asc" });
  assert.deepEqual(await has("file"), [file, picture, song]);
  assert.deepEqual(await has("image"), [picture]);
  assert.deepEqual(await has("video"), [clip]);
  assert.deepEqual(await has("sound"), [song]);
  assert.deepEqual(await has("embed"), [clip, embed]);
  assert.deepEqual(await has("link"), [link]);
  assert.deepEqual(await has("poll"), [poll]);
  assert.deepEqual(await has("sticker"), [sticker]);
  assert.deepEqual(await has("snapshot"), [fwd]);
  assert.deepEqual(await has("poll", "sticker"), [poll, sticker]);
  assert.deepEqual(await has("-file", "-embed", "-link", "-poll"), [
    plain,
    sticker,
    fwd,
  ]);
  assert.deepEqual(await has("file", "-image"), [file, song]);
  assert.deepEqual(
    await found(rest, { link_hostname: ["DISCORD.com"] }),
    [link],
  );
  assert.deepEqual(
    await found(rest, { attachment_extension: ["png", "txt"] }),
    [picture, file],
  );
  assert.deepEqual(await found(rest, { embed_type: ["video"] }), [clip]);
});

Deno.test("FakeRest search: attachment_extension reads the extension after the name's last dot, none for a name without one", async () => {
  const { fake, rest } = searchScene();
  const named = (filename: string): RestMessage =>
    message(TEXT, {
      attachments: [{
        id: "600000000000000001",
        filename,
        size: 1,
        url: "https://cdn.discordapp.com/x",
        proxy_url: "https://media.discordapp.net/x",
      }],
    });
  const [notes, , archive] = seed(
    fake,
    named("notes.TXT"),
    named("txt"),
    named("logs.tar.gz"),
  );
  assert.deepEqual(
    await found(rest, { attachment_extension: ["txt"], sort_order: "asc" }),
    [notes],
  );
  assert.deepEqual(
    await found(rest, { attachment_extension: ["gz"] }),
    [archive],
  );
});

Deno.test("FakeRest search: max_id and min_id are exclusive bounds", async () => {
  const { fake, rest } = searchScene();
  const [a, b, c, d] = seed(
    fake,
    message(TEXT),
    message(TEXT),
    message(TEXT),
    message(TEXT),
  );
  assert.deepEqual(await found(rest, { max_id: c }), [b, a]);
  assert.deepEqual(await found(rest, { min_id: b }), [d, c]);
  assert.deepEqual(await found(rest, { min_id: a, max_id: d }), [c, b]);
});

Deno.test("FakeRest search: replied_to_message_id and replied_to_user_id, a reply made over REST", async () => {
  const { fake, rest } = searchScene();
  const [question, aside] = seed(
    fake,
    message(TEXT, { content: "question" }),
    message(TEXT, { content: "aside", author: ROBOT }),
  );
  const reply = await rest.createMessage(TEXT, {
    content: "answer",
    message_reference: { message_id: question },
  });
  const other = await rest.createMessage(TEXT, {
    content: "other",
    message_reference: { message_id: aside },
  });
  // A forward references a message without replying to it.
  const [forward] = seed(
    fake,
    message(TEXT, {
      message_reference: { type: 1, message_id: question, channel_id: TEXT },
    }),
  );
  assert.ok(forward);
  assert.deepEqual(
    await found(rest, { replied_to_message_id: [question!] }),
    [reply.id],
  );
  assert.deepEqual(await found(rest, { replied_to_user_id: [ADA.id] }), [
    reply.id,
  ]);
  assert.deepEqual(
    await found(rest, { replied_to_user_id: [ROBOT.id, ADA.id] }),
    [other.id, reply.id],
  );
});

Deno.test("FakeRest search: limit (25 by default) and offset page, total_results counts every match", async () => {
  const { fake, rest } = searchScene();
  const ids = seed(
    fake,
    ...Array.from(
      { length: 30 },
      (_, i) => message(TEXT, { content: i % 2 === 0 ? "even" : "odd" }),
    ),
  );
  const newest = ids.toReversed();
  const all = await searchGuildMessages(rest, GUILD);
  assert.equal(all.total_results, 30);
  assert.deepEqual(all.messages.map(([m]) => m!.id), newest.slice(0, 25));
  const page = await searchGuildMessages(rest, GUILD, { limit: 4, offset: 4 });
  assert.equal(page.total_results, 30);
  assert.deepEqual(page.messages.map(([m]) => m!.id), newest.slice(4, 8));
  const last = await searchGuildMessages(rest, GUILD, {
    content: "even",
    limit: 10,
    offset: 10,
  });
  assert.equal(last.total_results, 15);
  assert.deepEqual(
    last.messages.map(([m]) => m!.id),
    newest.filter((_, i) => i % 2 === 1).slice(10),
  );
  const past = await searchGuildMessages(rest, GUILD, { offset: 30 });
  assert.deepEqual([past.total_results, past.messages], [30, []]);
});

Deno.test("FakeRest search: sort_order asc, and relevance (most matching words first, sort_order ignored)", async () => {
  const { fake, rest } = searchScene();
  const [once, twice, again] = seed(
    fake,
    message(TEXT, { content: "deploy" }),
    message(TEXT, { content: "deploy deploy" }),
    message(TEXT, { content: "deploy" }),
  );
  assert.deepEqual(await found(rest, { sort_order: "asc" }), [
    once,
    twice,
    again,
  ]);
  assert.deepEqual(
    await found(rest, { sort_by: "timestamp", sort_order: "desc" }),
    [again, twice, once],
  );
  for (const sort_order of ["asc", "desc"] as const) {
    assert.deepEqual(
      await found(rest, {
        content: "deploy",
        sort_by: "relevance",
        sort_order,
      }),
      [twice, again, once],
    );
  }
});

Deno.test("FakeRest search: messages in threads bring their threads, and the bot's thread member where it joined", async () => {
  const { fake, rest } = searchScene();
  const starter = await rest.createMessage(TEXT, { content: "start" });
  // Started by the bot: it is the thread's first member.
  const joined = await startThreadFromMessage(rest, TEXT, starter.id, {
    name: "joined",
  });
  const notJoined = "100000000000000020";
  fake.resources.addChannel({
    id: notJoined,
    type: 11,
    guild_id: GUILD,
    parent_id: OTHER,
  });
  await rest.createMessage(joined.id, { content: "in" });
  seed(fake, message(notJoined, { content: "in" }));
  const newest = await rest.createMessage(joined.id, { content: "in" });
  const results = await searchGuildMessages(rest, GUILD, { content: "in" });
  assert.equal(results.total_results, 3);
  assert.deepEqual(
    results.threads?.map((thread) => thread.id),
    [joined.id, notJoined],
  );
  assert.deepEqual(results.members, [
    fake.resources.threadMember(joined.id, fake.botUser.id),
  ]);
  assert.equal(results.members?.[0]?.user_id, fake.botUser.id);
  // Only the threads of the page's messages.
  const one = await searchGuildMessages(rest, GUILD, {
    content: "in",
    limit: 1,
  });
  assert.equal(one.messages[0]![0]!.id, newest.id);
  assert.deepEqual(one.threads?.map((thread) => thread.id), [joined.id]);
  // Outside threads: neither key.
  const outside = await searchGuildMessages(rest, GUILD, { content: "start" });
  assert.deepEqual(outside.messages.map(([m]) => m!.id), [starter.id]);
  assert.equal(outside.threads, undefined);
  assert.equal(outside.members, undefined);
});

Deno.test("FakeRest search: messages created, edited and deleted over REST are searched as they stand", async () => {
  const { rest } = searchScene();
  const sent = await rest.createMessage(TEXT, { content: "first draft" });
  assert.deepEqual(await found(rest, { content: "draft" }), [sent.id]);
  await rest.editMessage(TEXT, sent.id, { content: "final text" });
  assert.deepEqual(await found(rest, { content: "draft" }), []);
  assert.deepEqual(await found(rest, { content: "final" }), [sent.id]);
  await rest.deleteMessage(TEXT, sent.id);
  assert.deepEqual(await found(rest, { content: "final" }), []);
});
