// A REST client whose message posts are recorded (their content), for the
// status log's tests.
import { RestClient } from "../../rest/rest_client.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A REST client whose posts are recorded; each waits for `gate` if given. */
export function recordingRest(
  scheduler: VirtualScheduler,
  gate?: Promise<void>,
): {
  rest: RestClient;
  posts: string[];
} {
  const posts: string[] = [];
  const rest = new RestClient({
    token: "t",
    baseUrl: "http://127.0.0.1:1/api/v10",
    scheduler,
    fetch: async (_input, init) => {
      await gate;
      posts.push(JSON.parse(String(init?.body)).content);
      return Response.json({ id: "1", channel_id: "9", content: "" });
    },
  });
  return { rest, posts };
}
