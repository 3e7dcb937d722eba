/**
 * FakeRest's command lists as Discord's "Retrieving localized commands"
 * describes them: the read-only `name_localized` / `description_localized`
 * are never stored; a list GET with `with_localizations=true` gives the
 * full maps and no `*_localized`; without it, no maps, and the
 * `*_localized` text of the requester's locale (`X-Discord-Locale`, then
 * `Accept-Language`) where a map has that locale, none otherwise.
 */
import assert from "node:assert/strict";
import { FakeRest } from "../../testing/fake_rest.ts";
import { BASE, jsonCall } from "./_one_channel.ts";

const written = {
  name: "roll",
  description: "Roll",
  name_localizations: { de: "wuerfeln", fr: "lancer" },
  name_localized: "ignored",
  options: [{
    type: 4,
    name: "sides",
    description: "Sides",
    description_localizations: { de: "Seiten" },
    description_localized: "ignored",
    choices: [{
      name: "six",
      name_localizations: { de: "sechs" },
      name_localized: "ignored",
      value: 6,
    }],
  }],
};

// deno-lint-ignore no-explicit-any
type Json = any;

async function list(
  fake: FakeRest,
  query: string,
  headers: Record<string, string> = {},
): Promise<Json> {
  const response = await fake.fetch(
    `${BASE}/applications/${fake.applicationId}/commands${query}`,
    { headers: { authorization: "Bot fake-bot-token", ...headers } },
  );
  assert.equal(response.status, 200);
  return (await response.json())[0];
}

const localizedKeys = (value: unknown): string[] =>
  [...JSON.stringify(value).matchAll(/"(\w+_localized)"/g)].map((m) => m[1]!);

Deno.test("FakeRest drops *_localized on write and gives the maps with with_localizations", async () => {
  const fake = new FakeRest();
  const put = await jsonCall(
    fake,
    "PUT",
    `/applications/${fake.applicationId}/commands`,
    [written],
  );
  assert.equal(put.status, 200);
  assert.deepEqual(localizedKeys(put.json), []);
  assert.deepEqual(localizedKeys(fake.commands()), []);
  const full = await list(fake, "?with_localizations=true", {
    "x-discord-locale": "de",
  });
  assert.deepEqual(localizedKeys(full), []);
  assert.deepEqual(full.name_localizations, written.name_localizations);
  assert.deepEqual(full.options[0].choices[0].name_localizations, {
    de: "sechs",
  });
});

Deno.test("FakeRest lists *_localized for the requester's locale in place of the maps", async () => {
  const fake = new FakeRest();
  await jsonCall(
    fake,
    "PUT",
    `/applications/${fake.applicationId}/commands`,
    [written],
  );
  const de = await list(fake, "", { "x-discord-locale": "de" });
  assert.equal(de.name_localized, "wuerfeln");
  assert.equal("name_localizations" in de, false);
  // No description map: no description_localized either.
  assert.equal("description_localized" in de, false);
  assert.equal(de.options[0].description_localized, "Seiten");
  assert.equal("name_localized" in de.options[0], false);
  assert.equal(de.options[0].choices[0].name_localized, "sechs");
  assert.equal("name_localizations" in de.options[0].choices[0], false);

  // Accept-Language when X-Discord-Locale is absent; X-Discord-Locale first.
  const fr = await list(fake, "", { "accept-language": "fr, de;q=0.5" });
  assert.equal(fr.name_localized, "lancer");
  assert.deepEqual(localizedKeys(fr.options), []);
  const first = await list(fake, "", {
    "x-discord-locale": "de",
    "accept-language": "fr",
  });
  assert.equal(first.name_localized, "wuerfeln");

  // No locale: neither the maps nor a localized text.
  const none = await list(fake, "");
  assert.deepEqual(localizedKeys(none), []);
  assert.equal(JSON.stringify(none).includes("_localizations"), false);
});
