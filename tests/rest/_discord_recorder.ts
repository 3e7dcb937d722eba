// A `fetch` standing in for Discord in the Linked Roles route tests: it
// records each request as sent (method, URL, the Authorization header,
// Content-Type, the body parsed) and answers with what the test scripted.
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** One request as it reached the fake Discord. */
export interface SentRequest {
  method: string;
  url: string;
  /** The Authorization header, `null` when none was sent. */
  authorization: string | null;
  contentType: string | null;
  /** The body parsed as JSON, `undefined` when there was none. */
  body: unknown;
}

/** The fake Discord: its requests, and what it answers next. */
export interface DiscordRecorder {
  sent: SentRequest[];
  fetch: typeof globalThis.fetch;
  /** Answer every request with this (JSON with a status, or 204). */
  answer(status: number, body?: unknown): void;
}

/**
 * A fake Discord answering 200 with `body` (or what `answer` set) and
 * recording every request.
 *
 * @param body The first answer's body.
 * @returns The recorder.
 */
export function discordRecorder(body: unknown = {}): DiscordRecorder {
  const sent: SentRequest[] = [];
  let status = 200;
  let answerBody: unknown = body;
  return {
    sent,
    answer(nextStatus: number, nextBody?: unknown): void {
      status = nextStatus;
      answerBody = nextBody;
    },
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const text = await request.text();
      sent.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.get("authorization"),
        contentType: request.headers.get("content-type"),
        body: text === "" ? undefined : JSON.parse(text),
      });
      return status === 204
        ? new Response(null, { status })
        : Response.json(answerBody, { status });
    },
  };
}

/**
 * A `RestClient` with `token` whose requests reach a {@linkcode
 * discordRecorder} answering `answer`: no retries, a virtual clock (a 429
 * or 5xx ends the call instead of waiting).
 *
 * @param token The bot token.
 * @param answer The first answer's body.
 * @returns The client and the recorder.
 */
export function recordedClient(
  token: string,
  answer?: unknown,
): { rest: RestClient; discord: DiscordRecorder } {
  const discord = discordRecorder(answer);
  return {
    discord,
    rest: new RestClient({
      token,
      fetch: discord.fetch,
      maxRetries: 0,
      scheduler: new VirtualScheduler(),
    }),
  };
}
