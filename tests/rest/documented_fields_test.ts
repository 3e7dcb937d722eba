/**
 * Fields and parameters Discord documents that the typed routes did not
 * take: each reaches the request body (or query) as the docs name it, and
 * the shapes the docs give are the ones the types accept.
 */
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import * as api from "../../rest/mod.ts";
import type {
  CreateGuildChannelBody,
  InteractionCallbackResponse,
  ModifyChannelBody,
} from "../../rest/mod.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const GUILD = "100000000000000001";
const CHANNEL = "100000000000000002";
const FORUM = "100000000000000004";
const VOICE = "100000000000000005";

function setup(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  fake.resources.addGuild({ id: GUILD, name: "Guild" });
  for (
    const [id, type] of [[CHANNEL, 0], [FORUM, 15], [VOICE, 2]] as const
  ) {
    fake.resources.addChannel({ id, type, guild_id: GUILD, name: `c${type}` });
  }
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

/** Routes the fake keeps no state for answer 404 or 405: the request is what is checked. */
async function sent(call: Promise<unknown>): Promise<void> {
  await call.catch(() => {});
}

/** The body of the last request the fake received. */
function lastBody(fake: FakeRest): unknown {
  return fake.requests.at(-1)!.body;
}

Deno.test("modifyChannel sends the forum, media and voice settings the docs list", async () => {
  const { fake, rest } = setup();
  const forum: ModifyChannelBody = {
    available_tags: [{ name: "bug" }, {
      id: "100000000000000020",
      name: "kept",
      moderated: true,
      emoji_id: null,
      emoji_name: "✅",
    }],
    default_reaction_emoji: { emoji_name: "👍" },
    default_thread_rate_limit_per_user: 10,
    default_sort_order: 1,
    default_forum_layout: 2,
  };
  await api.modifyChannel(rest, FORUM, forum);
  assert.deepEqual(lastBody(fake), forum);
  await api.modifyChannel(rest, VOICE, {
    video_quality_mode: 2,
    rtc_region: null,
  });
  assert.deepEqual(lastBody(fake), { video_quality_mode: 2, rtc_region: null });
  await api.modifyChannel(rest, FORUM, { default_reaction_emoji: null });
  assert.deepEqual(lastBody(fake), { default_reaction_emoji: null });

  // @ts-expect-error a tag needs at least its name
  const _noName: ModifyChannelBody = { available_tags: [{ moderated: true }] };
  // @ts-expect-error video quality modes are 1 (auto) and 2 (full)
  const _badMode: ModifyChannelBody = { video_quality_mode: 3 };
});

Deno.test("createGuildChannel sends every field of the docs' table", async () => {
  const { fake, rest } = setup();
  const forum: CreateGuildChannelBody = {
    name: "help",
    type: 15,
    available_tags: [{ name: "bug" }],
    default_reaction_emoji: { emoji_id: "100000000000000030" },
    default_sort_order: 0,
    default_forum_layout: 1,
    default_thread_rate_limit_per_user: 30,
    flags: 16,
  };
  await api.createGuildChannel(rest, GUILD, forum);
  assert.equal(fake.requests.at(-1)!.path, `/guilds/${GUILD}/channels`);
  assert.deepEqual(lastBody(fake), forum);
  await api.createGuildChannel(rest, GUILD, {
    name: "voice",
    type: 2,
    rtc_region: "us-east",
    video_quality_mode: 1,
  });
  assert.deepEqual(lastBody(fake), {
    name: "voice",
    type: 2,
    rtc_region: "us-east",
    video_quality_mode: 1,
  });
});

Deno.test("modifyGuild sends the images, the boost bar and the safety alerts channel", async () => {
  const { fake, rest } = setup();
  const body = {
    splash: "data:image/png;base64,AAAA",
    discovery_splash: null,
    banner: null,
    premium_progress_bar_enabled: true,
    safety_alerts_channel_id: CHANNEL,
    region: null,
  };
  await api.modifyGuild(rest, GUILD, body, { reason: "refresh" });
  assert.deepEqual(lastBody(fake), body);
  assert.equal(fake.requests.at(-1)!.headers["x-audit-log-reason"], "refresh");
});

Deno.test("modifyGuildChannelPositions sends an entry's flags", async () => {
  const { fake, rest } = setup();
  await api.modifyGuildChannelPositions(rest, GUILD, [
    { id: CHANNEL, position: 1, flags: 0 },
  ]);
  assert.deepEqual(lastBody(fake), [{ id: CHANNEL, position: 1, flags: 0 }]);
});

Deno.test("startThreadInForum sends the first message's allowed_mentions and attachments, files' entries after them", async () => {
  const { fake, rest } = setup();
  const post = await api.startThreadInForum(rest, FORUM, {
    name: "post",
    message: {
      content: "@everyone read this",
      allowed_mentions: { parse: [] },
      attachments: [{ id: "100000000000000040", description: "kept" }],
      flags: 4096,
    },
  }, { files: [{ name: "a.txt", data: "attached", description: "alt" }] });
  assert.equal(fake.messages(post.id)[0]!.content, "@everyone read this");
  assert.deepEqual(lastBody(fake), {
    name: "post",
    message: {
      content: "@everyone read this",
      allowed_mentions: { parse: [] },
      attachments: [
        { id: "100000000000000040", description: "kept" },
        { id: 0, filename: "a.txt", description: "alt" },
      ],
      flags: 4096,
    },
  });
});

Deno.test("createChannelInvite sends role_ids", async () => {
  const { fake, rest } = setup();
  await sent(api.createChannelInvite(rest, CHANNEL, {
    max_uses: 1,
    role_ids: ["100000000000000050"],
  }));
  assert.deepEqual(lastBody(fake), {
    max_uses: 1,
    role_ids: ["100000000000000050"],
  });
});

Deno.test("editCurrentApplication sends integration_types_config", async () => {
  const { fake, rest } = setup();
  const config = {
    "0": {
      oauth2_install_params: {
        scopes: ["applications.commands", "bot"],
        permissions: "2048",
      },
    },
    "1": { oauth2_install_params: { scopes: [], permissions: "0" } },
  };
  await sent(
    api.editCurrentApplication(rest, { integration_types_config: config }),
  );
  assert.equal(fake.requests.at(-1)!.path, "/applications/@me");
  assert.deepEqual(lastBody(fake), { integration_types_config: config });
});

Deno.test("createMessage sends shared_client_theme", async () => {
  const { fake, rest } = setup();
  const theme = {
    colors: ["5865F2", "7258F2"],
    gradient_angle: 0,
    base_mix: 58,
    base_theme: 1 as const,
  };
  await rest.createMessage(CHANNEL, {
    content: "my theme",
    shared_client_theme: theme,
  });
  assert.deepEqual(lastBody(fake), {
    content: "my theme",
    shared_client_theme: theme,
  });
});

Deno.test("editOriginalInteractionResponse sends a poll (a deferred reply's edit)", async () => {
  const { fake, rest } = setup();
  fake.addInteraction({ id: "60", token: "t60", channelId: CHANNEL, type: 2 });
  await rest.createInteractionResponse("60", "t60", { type: 5 });
  const poll = {
    question: { text: "Lunch?" },
    answers: [{ poll_media: { text: "Yes" } }, { poll_media: { text: "No" } }],
    duration: 1,
  };
  await rest.editOriginalInteractionResponse(fake.applicationId, "t60", {
    poll,
  });
  assert.equal(fake.requests.at(-1)!.method, "PATCH");
  assert.deepEqual(lastBody(fake), { poll });
  await rest.editOriginalInteractionResponse(fake.applicationId, "t60", {
    poll: null,
  });
  assert.deepEqual(lastBody(fake), { poll: null });
});

Deno.test("createInteractionResponse with withResponse sends ?with_response=true and resolves with the interaction callback response", async () => {
  const { fake, rest } = setup();
  fake.addInteraction({ id: "70", token: "t70", channelId: CHANNEL, type: 2 });
  const answer: InteractionCallbackResponse = await rest
    .createInteractionResponse("70", "t70", {
      type: 4,
      data: { content: "pong", flags: 64 },
    }, { withResponse: true });
  assert.equal(
    fake.requests.at(-1)!.path,
    "/interactions/70/t70/callback?with_response=true",
  );
  const created = fake.messages(CHANNEL).at(-1)!;
  assert.deepEqual(answer.interaction, {
    id: "70",
    type: 2,
    response_message_id: created.id,
    response_message_loading: false,
    response_message_ephemeral: true,
  });
  assert.equal(answer.resource?.type, 4);
  assert.equal(answer.resource?.message?.content, "pong");

  // With files: still multipart, the query still sent.
  fake.addInteraction({ id: "71", token: "t71", channelId: CHANNEL, type: 2 });
  const withFile = await rest.createInteractionResponse("71", "t71", {
    type: 4,
    data: { content: "file" },
  }, { withResponse: true, files: [{ name: "a.txt", data: "x" }] });
  assert.equal(
    fake.requests.at(-1)!.path,
    "/interactions/71/t71/callback?with_response=true",
  );
  assert.equal(fake.requests.at(-1)!.files?.length, 1);
  assert.equal(withFile.resource?.message?.content, "file");
});

Deno.test("createInteractionResponse keeps its call shape: no query and undefined without withResponse (or with false)", async () => {
  const { fake, rest } = setup();
  fake.addInteraction({ id: "80", token: "t80", channelId: CHANNEL, type: 2 });
  const plain: void = await rest.createInteractionResponse("80", "t80", {
    type: 4,
    data: { content: "a" },
  });
  assert.equal(plain, undefined);
  assert.equal(fake.requests.at(-1)!.path, "/interactions/80/t80/callback");
  fake.addInteraction({ id: "81", token: "t81", channelId: CHANNEL, type: 2 });
  const declined = await rest.createInteractionResponse("81", "t81", {
    type: 4,
    data: { content: "b" },
  }, { withResponse: false });
  assert.equal(declined, undefined);
  assert.equal(fake.requests.at(-1)!.path, "/interactions/81/t81/callback");
});

Deno.test("createInteractionResponse refuses a withResponse that is not a boolean, sending nothing", async () => {
  const { fake, rest } = setup();
  await assert.rejects(
    () =>
      rest.createInteractionResponse("90", "t90", { type: 5 }, {
        withResponse: "yes" as unknown as true,
      }),
    (error: Error) =>
      error instanceof TypeError && /'withResponse' must be a boolean/.test(
        error.message,
      ),
  );
  assert.equal(fake.requests.length, 0);
});

Deno.test("getAnswerVoters takes the answer's integer answer_id (and a string of its digits)", async () => {
  const { fake, rest } = setup();
  const message = "100000000000000090";
  await sent(api.getAnswerVoters(rest, CHANNEL, message, 1, { limit: 5 }));
  assert.equal(
    fake.requests.at(-1)!.path,
    `/channels/${CHANNEL}/polls/${message}/answers/1?limit=5`,
  );
  await sent(api.getAnswerVoters(rest, CHANNEL, message, "10"));
  assert.equal(
    fake.requests.at(-1)!.path,
    `/channels/${CHANNEL}/polls/${message}/answers/10`,
  );
  const before = fake.requests.length;
  for (
    const bad of [0, -1, 1.5, NaN, 2 ** 53, "0", "01", "1e3", "", "x", null]
  ) {
    await assert.rejects(
      () => api.getAnswerVoters(rest, CHANNEL, message, bad as number),
      (error: Error) =>
        error instanceof TypeError &&
        /'answerId' must be a positive integer/.test(error.message),
      `answerId ${String(bad)}`,
    );
  }
  assert.equal(fake.requests.length, before);
});

Deno.test("createInteractionResponse's plain form is the last overload: code typed with Parameters<> and ReturnType<> before withResponse keeps compiling", () => {
  // Checked by `deno check`: with the withResponse overload last, these
  // read it (4 arguments required, a callback response returned).
  type Args = Parameters<RestClient["createInteractionResponse"]>;
  const args: Args = ["1", "token", { type: 1 }];
  type Result = ReturnType<RestClient["createInteractionResponse"]>;
  const result: Result = Promise.resolve();
  assert.equal(args.length, 3);
  return result;
});
