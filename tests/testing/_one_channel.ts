// A FakeRest holding one guild with one text channel, and a RestClient on
// it: the scene of the FakeRest upload tests.
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

/** A JSON answer of the fake: its status and parsed body. */
// deno-lint-ignore no-explicit-any
export type JsonAnswer = { status: number; json: any };

export const BASE = "https://discord.com/api/v10";
export const GUILD = "100000000000000001";
export const CHANNEL = "100000000000000002";

/** A FakeRest with guild `GUILD` and its text channel `CHANNEL`. */
export function oneChannel(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  fake.resources.addGuild({ id: GUILD, name: "Guild" });
  fake.resources.addChannel({ id: CHANNEL, type: 0, guild_id: GUILD });
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

/**
 * Send `body` as JSON to the fake's `path` (under {@linkcode BASE}) with
 * the bot token, as Discord's clients do.
 */
export async function jsonCall(
  fake: FakeRest,
  method: string,
  path: string,
  body: unknown,
): Promise<JsonAnswer> {
  const response = await fake.fetch(`${BASE}${path}`, {
    method,
    headers: {
      authorization: "Bot fake-bot-token",
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}
