// The application-command types of the types entry fit the REST routes for
// commands: one body type (`ApplicationCommandCreateBody` of the types
// entry is REST's `ApplicationCommandBody`) and one result type
// (`ApplicationCommand`; `RestApplicationCommand` is a deprecated alias).
// They were two pairs: commands fetched with `getGlobalApplicationCommands`
// could not be put back with the bulk overwrite (a `LocalizationMap` allows
// null values, REST's `Record<string, string>` did not: TS2345), the types
// entry's documented POST body was taken by no route, and the overwrite's
// `RestApplicationCommand[]` was no `ApplicationCommand[]` (its
// `description` optional). Each line marked A to D failed `deno check`; the
// round trip also runs against the fake REST server.
import assert from "node:assert/strict";
import {
  type ApplicationCommand,
  type ApplicationCommandBody,
  type ApplicationCommandCreateBody,
  type RestApplicationCommand,
  RestClient,
} from "../../mod.ts";
import {
  createGlobalApplicationCommand,
  editGuildApplicationCommand,
  getGlobalApplicationCommands,
} from "../../rest/mod.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const ECHO: ApplicationCommandCreateBody = {
  name: "echo",
  name_localizations: { de: "wiederholen", fr: null },
  description: "Repeat a text",
  description_localizations: { de: "Wiederhole einen Text" },
  options: [{
    type: 3,
    name: "text",
    description: "What to repeat",
    required: true,
  }],
  contexts: [0, 1],
  integration_types: [0],
};

// --- what must stay refused ------------------------------------------------

// @ts-expect-error a body needs a name
const nameless: ApplicationCommandCreateBody = { description: "x" };
// @ts-expect-error a body is no command: it has no id, version or application
const notStored: ApplicationCommand = ECHO;
const badOption: ApplicationCommandBody = {
  name: "x",
  description: "x",
  // @ts-expect-error 12 is no option type
  options: [{ type: 12, name: "y", description: "y" }],
};
const badLocale: ApplicationCommandBody = {
  name: "x",
  // @ts-expect-error a translation is a string (or null to remove it)
  name_localizations: { de: 1 },
};

Deno.test("commands fetched go back through the bulk overwrite, and the types entry's body is taken by every command route", async () => {
  void [nameless, notStored, badOption, badLocale];
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const appId = fake.applicationId;
  const body: ApplicationCommandCreateBody = ECHO;
  const asRest: ApplicationCommandBody = body;
  await rest.bulkOverwriteGlobalApplicationCommands(appId, [body]); // C
  const fetched = await getGlobalApplicationCommands(rest, appId, {
    with_localizations: true,
  });
  const put = await rest.bulkOverwriteGlobalApplicationCommands( // A
    appId,
    fetched,
  );
  const asTypes: ApplicationCommand[] = put; // D
  const alias: RestApplicationCommand[] = asTypes;
  assert.deepEqual(alias.map((c) => [c.name, c.id]), [
    ["echo", fetched[0]!.id],
  ]);
  assert.equal(put[0]!.name_localizations?.de, "wiederholen");
  // B: the POST route and the PATCH route take the same body. Only the
  // types are under test here (the fake answers only the bulk overwrite).
  const create = () => createGlobalApplicationCommand(rest, appId, asRest); // B
  const edit = () =>
    editGuildApplicationCommand(rest, appId, "1", "2", { options: [] });
  void [create, edit];
});
