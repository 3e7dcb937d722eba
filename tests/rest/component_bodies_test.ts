// The README's promise that "builders and literals mix", held to the REST
// bodies: the builders' typed components go into createMessage,
// editMessage, executeWebhook and the follow-up routes without a cast,
// next to literal payloads, and a wrong component shape is still refused
// by the types. Against a loosely typed `components` field each builder
// line is refused (interfaces have no index signature) and each
// `@ts-expect-error` is unused, so either regression fails `deno check`.
import assert from "node:assert/strict";
import {
  button,
  container,
  label,
  linkButton,
  modal,
  modalRow,
  row,
  section,
  separator,
  textDisplay,
  textInput,
} from "../../interactions/mod.ts";
import { createWebhook, executeWebhook } from "../../rest/api/webhooks.ts";
import type {
  CreateMessageBody,
  EditMessageBody,
  InteractionResponseData,
} from "../../rest/payloads.ts";
import type { MessageComponent } from "../../types/objects/component.ts";
import type { ComponentEmoji } from "../../types/objects/emoji.ts";
import { CHANNEL, oneChannel } from "../testing/_one_channel.ts";

/** IS_COMPONENTS_V2: layout components need it on the message. */
const V2 = 1 << 15;

const buttons = row(button({ id: "a", label: "A" }));
const card = container([
  textDisplay("ticket"),
  separator(),
  row(button({ id: "close", label: "Close", style: "danger" })),
]);
const literalRow = {
  type: 1,
  components: [{ type: 2, style: 1, custom_id: "b", label: "B" }],
} as const satisfies MessageComponent;

// A modal's components are accepted where Discord takes them: the data of
// an interaction response of type 9.
const modalData: InteractionResponseData = modal({
  id: "ticket",
  title: "Ticket",
  components: [label("Subject", textInput({ id: "subject" }))],
});

// --- wrong shapes stay type errors -----------------------------------------

const noStyle: CreateMessageBody = {
  components: [{
    type: 1,
    // @ts-expect-error a button needs a style
    components: [{ type: 2, custom_id: "x", label: "x" }],
  }],
};
const inputInMessage: EditMessageBody = {
  // @ts-expect-error a text input belongs in a modal, not a message
  components: [modalRow(textInput({ id: "name" }), { label: "Name" })],
};
const labelInMessage: CreateMessageBody = {
  // @ts-expect-error a label is a modal component
  components: [label("Subject", textInput({ id: "subject" }))],
};

Deno.test("REST message bodies take the builders' components and literals without a cast", async () => {
  const { rest } = oneChannel();
  const sent = await rest.createMessage(CHANNEL, {
    components: [buttons, literalRow],
  });
  assert.deepEqual(sent.components, [buttons, literalRow]);

  const edited = await rest.editMessage(CHANNEL, sent.id, {
    components: [card],
    flags: V2,
  });
  assert.deepEqual(edited.components, [card]);
});

Deno.test("webhook and follow-up bodies take the builders' components", async () => {
  const { fake, rest } = oneChannel();
  const webhook = await createWebhook(rest, CHANNEL, { name: "Hook" });
  const posted = await executeWebhook(rest, webhook.id, webhook.token!, {
    components: [section(["**Ticket**"], button({ id: "c", label: "C" }))],
    flags: V2,
  }, { wait: true });
  assert.equal(posted.components?.[0]?.type, 9);

  const app = fake.applicationId;
  fake.addInteraction({ id: "12", token: "follow", channelId: CHANNEL });
  await rest.createInteractionResponse("12", "follow", { type: 5 });
  const followUp = await rest.createFollowupMessage(app, "follow", {
    components: [buttons],
  });
  assert.deepEqual(followUp.components, [buttons]);
  const editedFollowUp = await rest.editFollowupMessage(
    app,
    "follow",
    followUp.id,
    { components: [card], flags: V2 },
  );
  assert.deepEqual(editedFollowUp.components, [card]);
});

Deno.test("the refused shapes are kept as values, so their pins are checked", () => {
  // Kept as values so the compile-time pins above are not dead code.
  assert.equal(noStyle.components?.length, 1);
  assert.equal(inputInMessage.components?.length, 1);
  assert.equal(labelInMessage.components?.length, 1);
  assert.equal(modalData.components?.length, 1);
});

Deno.test("a component's emoji may be a unicode one by name alone or a custom one by id alone, as Discord takes them", async () => {
  const { fake, rest } = oneChannel();
  const unicode: CreateMessageBody = {
    components: [{
      type: 1,
      components: [{
        type: 2,
        style: 1,
        custom_id: "fire",
        emoji: { name: "🔥" },
      }],
    }],
  };
  const custom: CreateMessageBody = {
    components: [{
      type: 1,
      components: [{
        type: 3,
        custom_id: "pick",
        options: [{ label: "Party", value: "p", emoji: { id: "123456789" } }],
      }],
    }],
  };
  await rest.createMessage(CHANNEL, unicode);
  await rest.createMessage(CHANNEL, custom);
  assert.equal(fake.messages(CHANNEL).length, 2);
});

Deno.test("an emoji with neither an id nor a name is refused: by the type, and by the builders at run time", () => {
  // @ts-expect-error neither a custom emoji's id nor a unicode one's name
  const empty: ComponentEmoji = {};
  assert.throws(
    () => button({ id: "x", emoji: empty }),
    /emoji needs an id .* or a name/,
  );
  assert.throws(
    () => linkButton({ url: "https://example.com", emoji: empty }),
    /emoji needs an id .* or a name/,
  );
  assert.deepEqual(button({ id: "x", emoji: { name: "🔥" } }).emoji, {
    name: "🔥",
  });
});
