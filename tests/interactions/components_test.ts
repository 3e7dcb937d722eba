import assert from "node:assert/strict";
import {
  button,
  channelSelect,
  linkButton,
  premiumButton,
  row,
  stringSelect,
  userSelect,
} from "../../interactions/components.ts";
import {
  checkbox,
  checkboxGroup,
  fileUpload,
  label,
  modal,
  radioGroup,
  textInput,
} from "../../interactions/modal_components.ts";
import {
  container,
  file,
  mediaGallery,
  section,
  separator,
  textDisplay,
  thumbnail,
} from "../../interactions/components_v2.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import type {
  ButtonComponent,
  MessageActionRow,
  MessageComponent,
} from "../../types/objects/component.ts";
import { ButtonStyle, ComponentType } from "../../types/objects/component.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("component types catch missing styles, empty modals and mixed rows at compile time", () => {
  // @ts-expect-error: a button needs a style
  const noStyle: ButtonComponent = { type: 2, custom_id: "x", label: "x" };
  // @ts-expect-error: a link button needs a url, not a custom id
  const linkWithoutUrl: ButtonComponent = { type: 2, style: 5, custom_id: "x" };
  const mixed: MessageActionRow = {
    type: 1,
    // @ts-expect-error: a select must be alone in its row
    components: [button({ id: "a", label: "a" }), userSelect({ id: "u" })],
  };
  assert.throws(
    // @ts-expect-error: a modal needs at least one component
    () => modal({ id: "m", title: "t", components: [] }),
    RangeError,
  );
  // @ts-expect-error: text inputs cannot go straight into a message
  const input: MessageComponent = textInput({ id: "t" });
  assert.ok(noStyle && linkWithoutUrl && mixed && input);
});

Deno.test("builders produce Discord's shapes", () => {
  assert.equal(ComponentType.Container, 17);
  assert.equal(ButtonStyle.Premium, 6);
  assert.deepEqual(linkButton({ url: "https://x.y", label: "Docs" }), {
    type: 2,
    style: 5,
    url: "https://x.y",
    label: "Docs",
  });
  assert.deepEqual(premiumButton("123"), { type: 2, style: 6, sku_id: "123" });
  assert.deepEqual(
    channelSelect({ id: "c", channelTypes: [0, 2], min: 0, max: 3 }),
    {
      type: 8,
      custom_id: "c",
      min_values: 0,
      max_values: 3,
      channel_types: [0, 2],
    },
  );
  assert.deepEqual(
    container([
      section(
        ["**Title**", "text"],
        thumbnail("attachment://a.png", { description: "alt" }),
      ),
      separator({ spacing: "large", divider: false }),
      mediaGallery("https://a/1.png", {
        media: { url: "https://a/2.png" },
        spoiler: true,
      }),
      file("report.pdf"),
      row(button({ id: "ok", label: "OK", style: "success" })),
    ], { accentColor: 0x5865f2 }),
    {
      type: 17,
      components: [
        {
          type: 9,
          components: [{ type: 10, content: "**Title**" }, {
            type: 10,
            content: "text",
          }],
          accessory: {
            type: 11,
            media: { url: "attachment://a.png" },
            description: "alt",
          },
        },
        { type: 14, divider: false, spacing: 2 },
        {
          type: 12,
          items: [{ media: { url: "https://a/1.png" } }, {
            media: { url: "https://a/2.png" },
            spoiler: true,
          }],
        },
        { type: 13, file: { url: "attachment://report.pdf" } },
        {
          type: 1,
          components: [{ type: 2, style: 3, custom_id: "ok", label: "OK" }],
        },
      ],
      accent_color: 0x5865f2,
    },
  );
  assert.deepEqual(
    modal({
      id: "m",
      title: "Title",
      components: [
        textDisplay("Fill this in"),
        label("Agree", checkbox({ id: "agree" }), { description: "Really?" }),
      ],
    }),
    {
      custom_id: "m",
      title: "Title",
      components: [
        { type: 10, content: "Fill this in" },
        {
          type: 18,
          label: "Agree",
          description: "Really?",
          component: { type: 23, custom_id: "agree" },
        },
      ],
    },
  );
});

Deno.test("builders check Discord's limits at run time", () => {
  assert.throws(
    () => button({ id: "x".repeat(101), label: "x" }),
    /1-100 characters/,
  );
  // @ts-expect-error: a button needs a label or an emoji
  assert.throws(() => button({ id: "x" }), /needs a label or an emoji/);
  assert.throws(
    // @ts-expect-error: a link button too
    () => linkButton({ url: "https://example.com" }),
    /needs a label or an emoji/,
  );
  button({ id: "x", emoji: { id: null, name: "🎲" } });
  linkButton({ url: "https://example.com", label: "Docs" });
  assert.throws(
    () => button({ id: "x", label: "y".repeat(81) }),
    /'label' must be at most 80/,
  );
  assert.throws(
    () =>
      row(
        ...Array.from(
          { length: 6 },
          (_, i) => button({ id: `${i}`, label: "b" }),
        ),
      ),
    /'components' must hold 1-5 items/,
  );
  assert.throws(
    () => stringSelect({ id: "s", options: [] }),
    /'options' must hold 1-25/,
  );
  assert.throws(
    () =>
      modal({ id: "m", title: "t".repeat(46), components: [textDisplay("x")] }),
    /'title'/,
  );
  assert.throws(() => container([], { accentColor: 0x1000000 }), /accentColor/);
  assert.throws(
    () => section(["a", "b", "c", "d"], thumbnail("x")),
    /1-3 items/,
  );
});

Deno.test("responses with Components v2 get the flag; content with them is refused before sending", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const interaction = {
    id: "5",
    token: "tok",
    application_id: fake.applicationId,
  } as never;
  const ctx = new InteractionContext(interaction, { rest });
  await assert.rejects(
    ctx.respond({ content: "no", components: [textDisplay("v2")] }),
    (error: unknown) =>
      error instanceof InteractionError && error.kind === "invalid_response",
  );
  assert.equal(fake.requests.length, 0);
  assert.equal(ctx.state, "pending");
  await ctx.respond({
    components: [container([textDisplay("hello")])],
    ephemeral: true,
  });
  assert.deepEqual(fake.interactionResponses[0]!.body, {
    type: 4,
    data: {
      components: [{ type: 17, components: [{ type: 10, content: "hello" }] }],
      flags: 64 | 32768,
    },
  });
});

Deno.test("the fake refuses invalid components with Discord's error body", async () => {
  const fake = new FakeRest();
  const rest = new RestClient({ token: "fake-bot-token", fetch: fake.fetch });
  const error = await rest.createMessage("1", {
    components: [{
      type: 1,
      // @ts-expect-error a button needs a style; the fake's 400 is what this test checks
      components: [{ type: 2, custom_id: "x", label: "x" }],
    }],
  }).catch((e) => e);
  assert.ok(error instanceof DiscordApiError);
  assert.equal(error.status, 400);
  assert.equal(error.code, 50035);
  assert.deepEqual(error.errors, {
    components: {
      "0": {
        components: {
          "0": {
            style: {
              _errors: [{
                code: "BASE_TYPE_REQUIRED",
                message: "This field is required",
              }],
            },
          },
        },
      },
    },
  });
  const v2 = await rest.createMessage("1", {
    components: [{ type: 10, content: "needs the flag" }],
  }).catch((e) => e);
  assert.equal(v2.status, 400);
  const duplicate = await rest.createMessage("1", {
    components: [{
      type: 1,
      components: [
        { type: 2, style: 1, custom_id: "same", label: "a" },
        { type: 2, style: 1, custom_id: "same", label: "b" },
      ],
    }],
  }).catch((e) => e);
  assert.match(
    JSON.stringify(duplicate.errors),
    /COMPONENT_CUSTOM_ID_DUPLICATED/,
  );
});

Deno.test("the context refuses callbacks Discord would refuse for the interaction type, before sending", async () => {
  const fake = new FakeRest();
  const rest = new RestClient({ token: "fake-bot-token", fetch: fake.fetch });
  const of = (type: number, extra: object = {}): InteractionContext =>
    new InteractionContext(
      {
        id: "5",
        token: "tok",
        application_id: fake.applicationId,
        type,
        ...extra,
      } as never,
      { rest },
    );
  const refused = async (
    run: Promise<unknown>,
    pattern: RegExp,
  ): Promise<void> => {
    await assert.rejects(
      run,
      (error: unknown) =>
        error instanceof InteractionError &&
        error.kind === "invalid_response" &&
        pattern.test(error.message),
    );
  };
  await refused(
    of(4).respond("hi"),
    /respond\(\) cannot answer an interaction of type 4/,
  );
  await refused(of(2).update("hi"), /need a component's message/);
  await refused(
    of(2).deferUpdate(),
    /deferUpdate\(\) cannot answer an interaction of type 2 \(update\(\) and deferUpdate\(\) need a component's message\)/,
  );
  await refused(
    of(5).showModal(
      modal({ id: "m", title: "t", components: [textDisplay("x")] }),
    ),
    /a modal submit cannot open a modal/,
  );
  await refused(of(5).update("hi"), /this modal was not opened from one/);
  await refused(
    of(2).autocomplete([]),
    /autocomplete\(\) cannot answer an interaction of type 2 \(autocomplete\(\) answers only autocomplete interactions/,
  );
  assert.equal(fake.requests.length, 0);
  await of(5, { message: { id: "1" } }).deferUpdate().catch(() => {});
  assert.equal(
    fake.requests.length,
    1,
    "a modal from a component may update its message",
  );
});

Deno.test("the context refuses follow-ups and edits once the 15-minute token expired, without sending (a 401 would count as invalid)", async () => {
  const fake = new FakeRest();
  const rest = new RestClient({ token: "fake-bot-token", fetch: fake.fetch });
  const scheduler = new VirtualScheduler();
  const ctx = new InteractionContext(
    {
      id: "5",
      token: "tok",
      application_id: fake.applicationId,
      type: 2,
    } as never,
    { rest, scheduler },
  );
  await ctx.defer();
  await scheduler.advance(15 * 60_000 - 1);
  await ctx.respond("slow but in time");
  await ctx.followUp("still in time");
  const sent = fake.requests.length;
  await scheduler.advance(1);
  for (
    const late of [
      () => ctx.followUp("too late"),
      () => ctx.editOriginal("too late"),
      () => ctx.deleteOriginal(),
    ]
  ) {
    await assert.rejects(
      late(),
      (error: unknown) =>
        error instanceof InteractionError && error.kind === "token_expired",
    );
  }
  assert.equal(fake.requests.length, sent);
});

Deno.test("autocomplete sends the first 25 choices and refuses a choice Discord would refuse, before sending", async () => {
  const fake = new FakeRest();
  const rest = new RestClient({ token: "fake-bot-token", fetch: fake.fetch });
  const of = (): InteractionContext =>
    new InteractionContext(
      {
        id: "5",
        token: "tok",
        application_id: fake.applicationId,
        type: 4,
      } as never,
      { rest },
    );
  for (
    const bad of [
      { name: "n".repeat(101), value: "v" },
      { name: "", value: "v" },
      { name: "n", value: "v".repeat(101) },
      { name: "n", value: NaN },
    ]
  ) {
    await assert.rejects(
      of().autocomplete([{ name: "ok", value: 1 }, bad]),
      (error: unknown) =>
        error instanceof InteractionError && error.kind === "invalid_response",
    );
  }
  assert.equal(fake.requests.length, 0);
  const many = Array.from({ length: 30 }, (_, i) => ({
    name: `c${i}`,
    value: i,
  }));
  // Past the 25th nothing is looked at: a bad 26th does not matter.
  await of().autocomplete([...many, { name: "", value: "x" }]);
  const sent = fake.interactionResponses[0]!.body.data as {
    choices: unknown[];
  };
  assert.equal(sent.choices.length, 25);
  assert.deepEqual(sent.choices[24], { name: "c24", value: 24 });
});

Deno.test("modals refuse an empty title, inputs sharing a custom id, and text input lengths out of range", () => {
  const input = (id: string): ReturnType<typeof textInput> => textInput({ id });
  assert.throws(
    () => modal({ id: "m", title: "", components: [label("a", input("a"))] }),
    RangeError,
  );
  assert.throws(
    () =>
      modal({
        id: "m",
        title: "t",
        components: [label("a", input("x")), label("b", input("x"))],
      }),
    (error: unknown) =>
      error instanceof TypeError && /custom id 'x'/.test(error.message),
  );
  modal({
    id: "m",
    title: "t",
    components: [label("a", input("x")), label("b", input("y"))],
  });
  assert.throws(() => textInput({ id: "a", maxLength: 0 }), RangeError);
  assert.throws(() => textInput({ id: "a", maxLength: 4001 }), RangeError);
  assert.throws(() => textInput({ id: "a", minLength: -1 }), RangeError);
  assert.throws(
    () => textInput({ id: "a", minLength: 10, maxLength: 5 }),
    RangeError,
  );
  textInput({ id: "a", minLength: 0, maxLength: 4000 });
});

Deno.test("the context refuses an initial response, and follow-ups, once 3 s went by unanswered (Discord invalidated the token)", async () => {
  const fake = new FakeRest();
  const rest = new RestClient({ token: "fake-bot-token", fetch: fake.fetch });
  const scheduler = new VirtualScheduler();
  const of = (): InteractionContext =>
    new InteractionContext(
      {
        id: "5",
        token: "tok",
        application_id: fake.applicationId,
        type: 2,
      } as never,
      { rest, scheduler },
    );
  const inTime = of();
  const late = of();
  await scheduler.advance(2999);
  await inTime.defer();
  await scheduler.advance(1);
  for (const run of [() => late.respond("late"), () => late.followUp("x")]) {
    await assert.rejects(
      run(),
      (error: unknown) =>
        error instanceof InteractionError && error.kind === "token_expired" &&
        /3 s/.test(error.message),
    );
  }
  assert.equal(late.state, "pending");
  assert.equal(fake.requests.length, 1, "only the defer in time went out");
  // The deferred one may answer for 15 minutes.
  await scheduler.advance(60_000);
  await inTime.respond("done");
  assert.equal(inTime.state, "answered");
});

Deno.test("selects, file uploads and checkbox groups check min/max choices; radio and checkbox options their texts", () => {
  const three = [
    { label: "a", value: "a" },
    { label: "b", value: "b" },
    { label: "c", value: "c" },
  ];
  const refused = (build: () => unknown, pattern: RegExp): void => {
    assert.throws(
      build,
      (error: unknown) =>
        error instanceof RangeError && pattern.test(error.message),
    );
  };
  // Selects: min 0-25, max 1-25, min at most max.
  refused(() => userSelect({ id: "u", min: 26 }), /'min' must be .* 0\.\.25/);
  refused(() => userSelect({ id: "u", max: 0 }), /'max' must be .* 1\.\.25/);
  refused(() => userSelect({ id: "u", max: 26 }), /'max'/);
  refused(() => userSelect({ id: "u", min: 5, max: 2 }), /'min' is above/);
  refused(() => userSelect({ id: "u", min: 1.5 }), /'min'/);
  userSelect({ id: "u", min: 0, max: 25 });
  // A string select asks for no more than it offers.
  refused(
    () => stringSelect({ id: "s", min: 30, max: 99, options: three }),
    /'min'/,
  );
  refused(() => stringSelect({ id: "s", max: 4, options: three }), /'max'/);
  refused(() => stringSelect({ id: "s", min: 4, options: three }), /'min'/);
  stringSelect({ id: "s", min: 0, max: 3, options: three });
  // File uploads: 0-10, 1-10.
  refused(() => fileUpload({ id: "f", max: 50 }), /'max' must be .* 1\.\.10/);
  refused(() => fileUpload({ id: "f", min: 11 }), /'min'/);
  refused(() => fileUpload({ id: "f", min: 3, max: 2 }), /'min' is above/);
  fileUpload({ id: "f", min: 0, max: 10, required: false });
  // Checkbox groups: 0-10, 1-10, min at most max; option texts 100.
  refused(
    () => checkboxGroup({ id: "c", min: 11, max: 0, options: three }),
    /'min'/,
  );
  refused(
    () => checkboxGroup({ id: "c", min: 3, max: 2, options: three }),
    /'min' is above/,
  );
  checkboxGroup({ id: "c", min: 0, max: 3, options: three, required: false });
  for (const field of ["label", "value", "description"] as const) {
    const long = [{ ...three[0]!, [field]: "x".repeat(101) }, three[1]!];
    refused(
      () => radioGroup({ id: "r", options: long }),
      new RegExp(`'options.${field}' must be at most 100`),
    );
    refused(
      () => checkboxGroup({ id: "c", options: long }),
      new RegExp(`'options.${field}'`),
    );
  }
  radioGroup({
    id: "r",
    options: [{ ...three[0]!, label: "x".repeat(100) }, three[1]!],
  });
});

Deno.test("custom ids must be unique per message: a row refuses two buttons with one, and a response with a repeat is refused before sending", async () => {
  assert.throws(
    () => row(button({ id: "x", label: "A" }), button({ id: "x", label: "B" })),
    (error: unknown) =>
      error instanceof TypeError && /custom id 'x'/.test(error.message),
  );
  // Link buttons have no custom id: any number fit.
  row(
    linkButton({ url: "https://a.example", label: "A" }),
    linkButton({ url: "https://a.example", label: "B" }),
  );
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const ctx = new InteractionContext(
    {
      id: "5",
      type: 2,
      token: "tok",
      application_id: fake.applicationId,
    } as never,
    { rest },
  );
  // The same id in two rows, and in a section's accessory in a container.
  for (
    const components of [
      [
        row(button({ id: "go", label: "A" })),
        row(button({ id: "go", label: "B" })),
      ],
      [
        row(stringSelect({ id: "go", options: [{ label: "a", value: "a" }] })),
        container([section("text", button({ id: "go", label: "B" }))]),
      ],
    ] as MessageComponent[][]
  ) {
    await assert.rejects(
      ctx.respond({ components }),
      (error: unknown) =>
        error instanceof InteractionError &&
        error.kind === "invalid_response" && /'go'/.test(error.message),
    );
  }
  assert.equal(fake.requests.length, 0);
  await ctx.respond({
    components: [
      row(button({ id: "a", label: "A" }), button({ id: "b", label: "B" })),
    ],
  });
  assert.equal(fake.interactionResponses.length, 1);
});
