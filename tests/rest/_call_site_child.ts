// Child of call_site_test.ts: a request fails (404) and nothing catches
// it, so Deno ends the process with "Uncaught", which must name the line
// of the call (marked `// call: uncaught`).
import { RestClient } from "../../rest/rest_client.ts";

const rest = new RestClient({
  token: "abc.def.ghi",
  fetch: () =>
    Promise.resolve(
      new Response('{"code":10003,"message":"Unknown Channel"}', {
        status: 404,
        headers: { "content-type": "application/json" },
      }),
    ),
});

async function handler(): Promise<void> {
  await Promise.resolve();
  await rest.createMessage("999", { content: "x" }); // call: uncaught
}

await handler();
