// A fetched command's options carry the read-only `name_localized` /
// `description_localized` (its choices `name_localized`): the requester's
// locale's text, in place of the maps, on a list GET without
// `with_localizations`. Copied into a literal, they went out in the bulk
// overwrite, where Discord ignores them; sync reads the stored commands
// with `with_localizations=true`, which returns the maps instead, so the
// payload never matched and every start rewrote the commands, and the
// localization was never stored. The payload leaves them out, sync ignores
// them on a stored command, and a localized text with no map to hold it is
// warned about.
import assert from "node:assert/strict";
import { command, commandPayload } from "../../interactions/commands.ts";
import type { OptionDefinition } from "../../interactions/command_types.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const loose = (option: Record<string, unknown>) =>
  option as unknown as OptionDefinition;

/** An option as a list GET without `with_localizations` gives it (locale de). */
const fetchedOption = () =>
  loose({
    type: 3,
    name: "topic",
    name_localized: "thema",
    description: "Topic",
    description_localized: "Das Thema",
    required: true,
    choices: [{ name: "news", name_localized: "nachrichten", value: "n" }],
  });

const hasLocalized = (value: unknown): boolean =>
  JSON.stringify(value).includes("_localized");

Deno.test("a fetched option's read-only *_localized fields are not sent, and sync settles after one write", async () => {
  const fake = new FakeRest();
  const rest = new RestClient({ token: "fake-bot-token", fetch: fake.fetch });
  let tag!: ReturnType<typeof command>;
  await captureStderr(() => {
    tag = command({
      name: "tag",
      description: "Tag",
      options: { topic: fetchedOption() },
    });
  });
  const payload = commandPayload(tag);
  assert.equal(hasLocalized(payload), false, JSON.stringify(payload));
  assert.deepEqual(payload.options?.[0], {
    type: 3,
    name: "topic",
    description: "Topic",
    required: true,
    choices: [{ name: "news", value: "n" }],
  });
  const results = [];
  for (let i = 0; i < 3; i++) {
    results.push(
      await syncCommands(rest, [tag], { applicationId: fake.applicationId }),
    );
  }
  assert.deepEqual(results.map((r) => r.changed), [true, false, false]);
  const puts = fake.requests.filter((r) => r.method === "PUT");
  assert.equal(puts.length, 1);
  assert.equal(hasLocalized(puts[0]!.body), false);
});

Deno.test("sync takes a stored command's *_localized fields for server fields, not a change", async () => {
  const fake = new FakeRest();
  // A stored command whose list GET carries the read-only fields anyway,
  // at every depth (command, option, choice).
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await fake.fetch(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if ((init?.method ?? "GET") !== "GET" || !/\/commands\?/.test(url)) {
      return response;
    }
    const add = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(add);
      if (typeof value !== "object" || value === null) return value;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(value)) out[key] = add(field);
      if (typeof out.name === "string") out.name_localized = `${out.name}-de`;
      if (typeof out.description === "string") {
        out.description_localized = `${out.description} (de)`;
      }
      return out;
    };
    return Response.json(add(await response.json()), {
      status: response.status,
      headers: response.headers,
    });
  };
  const rest = new RestClient({ token: "fake-bot-token", fetch });
  const tag = command({
    name: "tag",
    description: "Tag",
    options: {
      topic: loose({
        type: 3,
        description: "Topic",
        choices: [{ name: "news", value: "n" }],
      }),
    },
  });
  const options = { applicationId: fake.applicationId };
  assert.equal((await syncCommands(rest, [tag], options)).changed, true);
  const again = await syncCommands(rest, [tag], options);
  assert.deepEqual([again.changed, again.updated], [false, []]);
  assert.equal(fake.requests.filter((r) => r.method === "PUT").length, 1);
});

Deno.test("a literal's *_localized text with no localization map holding it is warned about", async () => {
  const warned = await captureStderr(() =>
    command({
      name: "tag",
      description: "Tag",
      options: { topic: fetchedOption() },
    })
  );
  assert.equal(warned.length, 3, warned.join("\n"));
  assert.match(
    warned[0]!,
    /option 'topic' of command 'tag' has 'name_localized' \("thema"\) but no 'name_localizations' entry with it: Discord ignores the read-only 'name_localized'.*put it in 'name_localizations'/,
  );
  assert.match(warned[1]!, /'description_localized' \("Das Thema"\)/);
  assert.match(
    warned[2]!,
    /choice 'news' of option 'topic' of command 'tag' has 'name_localized' \("nachrichten"\)/,
  );
  // A shape read with `with_localizations` (the maps, no *_localized),
  // or one whose maps hold the text: nothing to say.
  const quiet = await captureStderr(() =>
    command({
      name: "tag",
      description: "Tag",
      options: {
        topic: loose({
          type: 3,
          name: "topic",
          name_localized: "thema",
          name_localizations: { de: "thema" },
          description: "Topic",
          description_localizations: { de: "Das Thema" },
          choices: [{
            name: "news",
            name_localized: "nachrichten",
            name_localizations: { de: "nachrichten" },
            value: "n",
          }],
        }),
      },
    })
  );
  assert.deepEqual(quiet, []);
});

Deno.test("a *_localized text is warned about once per option, when its map holds only other texts, and not when it is empty", async () => {
  const topic = loose({
    type: 3,
    name: "topic",
    name_localized: "thema",
    name_localizations: { fr: "sujet" },
    description: "Topic",
    description_localized: "",
  });
  const define = (): unknown =>
    command({ name: "tag", description: "Tag", options: { topic } });
  const warned = await captureStderr(() => {
    define();
    define();
  });
  assert.equal(warned.length, 1, warned.join("\n"));
  assert.match(warned[0]!, /'name_localized' \("thema"\)/);
});

Deno.test("the payload leaves out *_localized and an empty choices list without changing the definition given", async () => {
  const topic = loose({
    type: 3,
    description: "Topic",
    name_localized: "thema",
    choices: [],
  });
  let tag = command({ name: "tag", description: "Tag" });
  const warned = await captureStderr(() => {
    tag = command({ name: "tag", description: "Tag", options: { topic } });
  });
  assert.equal(warned.length, 1, warned.join("\n"));
  assert.deepEqual(commandPayload(tag).options, [
    { type: 3, name: "topic", description: "Topic" },
  ]);
  assert.deepEqual(topic, {
    type: 3,
    description: "Topic",
    name_localized: "thema",
    choices: [],
  });
});
