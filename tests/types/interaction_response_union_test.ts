// `InteractionResponse` is a union on `type`: each callback type takes the
// data Discord documents for it (1, 6, 10 and 12 none; 4 and 7 message
// data; 5 the message flags; 8 autocomplete choices; 9 a modal). Against
// the earlier `{ type: InteractionCallbackType; data?:
// InteractionCallbackData }` each `@ts-expect-error` below is unused, so a
// regression fails `deno check`; a wrong component list in an UPDATE_MESSAGE
// is measured against message components, not a modal's.
import assert from "node:assert/strict";
import type {
  InteractionResponse,
  MessageComponent,
} from "../../types/objects/mod.ts";

const modalData = {
  custom_id: "m",
  title: "T",
  components: [{
    type: 18 as const,
    label: "Name",
    component: { type: 4 as const, custom_id: "n", style: 1 as const },
  }],
};

Deno.test("InteractionResponse takes each callback type's own data", () => {
  const right: InteractionResponse[] = [
    { type: 1 },
    { type: 4, data: { content: "hi", flags: 64 } },
    { type: 5 },
    { type: 5, data: { flags: 64 } },
    { type: 6 },
    { type: 7, data: { content: "edited", components: [] } },
    { type: 8, data: { choices: [{ name: "a", value: "a" }] } },
    { type: 9, data: modalData },
    { type: 10 },
    { type: 12 },
  ];
  assert.equal(right.length, 10);
});

Deno.test("InteractionResponse refuses data of another callback type", () => {
  const wrong: InteractionResponse[] = [
    // @ts-expect-error a modal is not message data
    { type: 4, data: modalData },
    // @ts-expect-error a modal answer needs the modal's data
    { type: 9, data: { content: "hi" } },
    // @ts-expect-error UPDATE_MESSAGE takes message data, not choices
    { type: 7, data: { choices: [] } },
    // @ts-expect-error a PONG has no data
    { type: 1, data: { content: "hi" } },
    // @ts-expect-error DEFERRED_UPDATE_MESSAGE has no data
    { type: 6, data: { content: "hi" } },
    // @ts-expect-error autocomplete choices are required
    { type: 8, data: {} },
  ];
  assert.equal(wrong.length, 6);
});

Deno.test("an UPDATE_MESSAGE's components are message components", () => {
  const disableAll = (components: MessageComponent[]): InteractionResponse => ({
    type: 7,
    data: { components },
  });
  assert.equal(disableAll([]).type, 7);
});

// A received message's `Component[]` is looser (a button with no style):
// echoed into an UPDATE_MESSAGE it is refused as a message component list,
// not measured against a modal's (as the earlier type reported it).
Deno.test("a wrong UPDATE_MESSAGE component list is reported against message components", async () => {
  const root = new URL("../../", import.meta.url);
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      file,
      `import type { InteractionResponse } from "${root}types/objects/mod.ts";
import type { Component } from "${root}types/objects/message.ts";
declare const received: Component[];
export const echoed: InteractionResponse = { type: 7, data: { components: received } };
`,
    );
    const { code, stderr } = await new Deno.Command("deno", {
      args: ["check", "--config", new URL("deno.json", root).pathname, file],
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1", FORCE_COLOR: "" },
    }).output();
    const text = new TextDecoder().decode(stderr);
    assert.notEqual(code, 0, text);
    assert.match(
      text,
      /'Component\[\]' is not assignable to type 'MessageComponent\[\]'/,
    );
    assert.doesNotMatch(text, /ModalComponent/);
  } finally {
    await Deno.remove(file);
  }
});
