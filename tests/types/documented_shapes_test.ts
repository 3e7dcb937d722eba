// Shapes Discord's docs give, as the types take them: each failed to
// type-check before its type was corrected (`deno test` type-checks).
import assert from "node:assert/strict";
import type {
  GuildCreateDispatch,
  GuildMembersChunkDispatch,
  Interaction,
  InteractionResponse,
  MessageCreateDispatch,
  PollCreateRequest,
  ResolvedChannel,
  ResolvedMember,
  TypingStartDispatch,
  VoiceStateUpdateDispatch,
} from "../../types/mod.ts";

Deno.test("a resolved channel takes every field Discord's Resolved Data Structure lists, app_permissions included", () => {
  const channel: ResolvedChannel = {
    id: "41771983423143937",
    name: "general",
    type: 0,
    permissions: "2248473465835073",
    app_permissions: "2248473465835073",
    last_message_id: null,
    last_pin_timestamp: null,
    nsfw: false,
    parent_id: "399942396007890945",
    guild_id: "41771983423143937",
    flags: 0,
    rate_limit_per_user: 0,
    topic: null,
    position: 6,
  };
  assert.equal(channel.app_permissions, channel.permissions);
});

Deno.test("a members chunk's not_found may hold numbers: an ID too small for a snowflake comes back as one", () => {
  const chunk: GuildMembersChunkDispatch = {
    guild_id: "308994132968210433",
    members: [],
    chunk_index: 0,
    chunk_count: 1,
    not_found: [123123],
  };
  assert.deepEqual(chunk.not_found, [123123]);
});

Deno.test("an interaction response's components are the typed ones: documented fields compile, broken components do not", () => {
  const reply: InteractionResponse = {
    type: 4,
    data: {
      components: [
        {
          type: 1,
          components: [{
            type: 2,
            style: 1,
            custom_id: "ok",
            label: "OK",
            emoji: { name: "👍" },
          }],
        },
        {
          type: 1,
          components: [{
            type: 3,
            custom_id: "pick",
            options: [{ label: "A", value: "a" }],
          }],
        },
      ],
    },
  };
  const modal: InteractionResponse = {
    type: 9,
    data: {
      custom_id: "bug_modal",
      title: "Bug Report",
      components: [{
        type: 18,
        label: "Why?",
        component: {
          type: 4,
          custom_id: "why",
          style: 2,
          min_length: 10,
          placeholder: "Write here...",
        },
      }],
    },
  };
  const broken: InteractionResponse = {
    type: 4,
    data: {
      // @ts-expect-error a button needs a style (and a custom_id for it)
      components: [{ type: 1, components: [{ type: 2, label: "no style" }] }],
    },
  };
  assert.deepEqual([reply.type, modal.type, broken.type], [4, 9, 4]);
});

Deno.test("a poll answer is created with only its emoji's id or only its name, as Discord's poll docs say", () => {
  const poll: PollCreateRequest = {
    question: { text: "Lunch?" },
    answers: [
      { poll_media: { text: "Pizza", emoji: { name: "🍕" } } },
      { poll_media: { text: "Custom", emoji: { id: "41771983429993937" } } },
    ],
  };
  const none: PollCreateRequest["answers"][number] = {
    // @ts-expect-error an emoji with neither id nor name is refused
    poll_media: { emoji: {} },
  };
  assert.equal(poll.answers.length + Object.keys(none).length, 3);
});

Deno.test("a member's user is there wherever Discord sends it, and absent only from a message's member and resolved members", () => {
  const ids = (chunk: GuildMembersChunkDispatch): string[] =>
    chunk.members.map((member) => member.user.id);
  const names = (guild: GuildCreateDispatch): string[] =>
    guild.unavailable ? [] : guild.members.map((m) => m.user.username);
  const typer = (typing: TypingStartDispatch): string | undefined =>
    typing.member?.user.username;
  const speaker = (voice: VoiceStateUpdateDispatch): string | undefined =>
    voice.member?.user.username;
  const author = (message: MessageCreateDispatch): string | undefined =>
    // @ts-expect-error MESSAGE_CREATE's member has no user (it is `author`)
    message.member?.user.id;
  const resolved = (member: ResolvedMember): string =>
    // @ts-expect-error a resolved member's user is in `resolved.users`
    member.user.id;
  assert.equal([ids, names, typer, speaker, author, resolved].length, 6);
});

Deno.test("an interaction's type narrows its data, locale and message, as the interaction docs tie them", () => {
  const describe = (i: Interaction): string => {
    switch (i.type) {
      case 1:
        return "ping";
      case 2:
        return `/${i.data.name} ${i.locale}`;
      case 3:
        return `${i.data.custom_id} ${i.locale} ${i.message.components?.length}`;
      case 4:
        return `${i.data.options?.find((o) => o.focused)?.name}`;
      case 5:
        return `${i.data.custom_id} ${i.data.components.length}`;
    }
  };
  const wrong = (i: Interaction): string | undefined =>
    // @ts-expect-error a command's data has no custom_id
    i.type === 2 ? i.data.custom_id : undefined;
  assert.equal([describe, wrong].length, 2);
});
