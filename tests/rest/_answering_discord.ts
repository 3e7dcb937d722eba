/**
 * A REST client whose `fetch` records each request whole (method, URL,
 * headers, parsed body) and answers as the test says Discord does: for
 * routes the fake does not model, and for odd or hostile answers.
 */
import { RestClient } from "../../rest/rest_client.ts";

/** One request as it left the client. */
export interface SentRequest {
  /** The HTTP method. */
  method: string;
  /** The whole URL, query included. */
  url: string;
  /** The request headers. */
  headers: Headers;
  /** The parsed JSON body, or `undefined` when none was sent. */
  body: unknown;
}

/** The base every route's URL starts with. */
export const API = "https://discord.com/api/v10";

/**
 * A client answering each request with `answer(request)`.
 *
 * @param answer Discord's answer to a request.
 * @returns The client and the requests it sent, in order.
 */
export function answering(
  answer: (request: SentRequest) => Response,
): { rest: RestClient; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const rest = new RestClient({
    token: "fake-bot-token",
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const text = await request.text();
      const recorded: SentRequest = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: text === "" ? undefined : JSON.parse(text),
      };
      sent.push(recorded);
      return answer(recorded);
    },
  });
  return { rest, sent };
}
