// deno-lint-ignore-file no-console -- the example reports on stderr; the test catches it
import assert from "node:assert/strict";
import {
  diceEndpoint,
  exitWhenServingFails,
} from "../../examples/dice_bot_http.ts";
import { roll } from "../../examples/dice_bot.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";

function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

Deno.test("dice bot over HTTP: signed command → update → modal → upload (202)", async () => {
  await using discord = await FakeDiscord.start();
  const endpoint = diceEndpoint({
    token: discord.token,
    publicKey: discord.publicKey,
    fetch: discord.rest.fetch,
    random: sequence(0.5),
  });
  await endpoint.sync();
  discord.useEndpoint(endpoint.handler);

  const rolled = await discord.runCommand(roll, { sides: 6 });
  assert.equal(rolled.body.data?.content, "🎲 1d6: 4 = 4");
  // Answered in the HTTP response: no callback request went over REST.
  assert.equal(
    discord.rest.requests.filter((r) => r.path.includes("/callback")).length,
    0,
  );
  const [message] = discord.rest.messages(discord.channelId);
  const again = await discord.click(message!, "reroll:6:1");
  assert.equal(again.body.type, 7);
  const shown = await discord.click(message!, "note:4");
  assert.equal(shown.body.type, 9);
  const noted = await discord.submitModal(shown, { note: "ok" });
  assert.equal(noted.body.data?.content, "📝 Noted roll 4");
  // The files went through the callback route as multipart.
  const callbacks = discord.rest.requests.filter((r) =>
    r.path.includes("/callback")
  );
  assert.equal(callbacks.length, 1);
  assert.equal(callbacks[0]!.files?.[0]?.name, "note.txt");
});

Deno.test("dice bot over HTTP on loopback with the real fetch", async () => {
  await using discord = await FakeDiscord.start();
  const endpoint = diceEndpoint({
    token: discord.token,
    publicKey: discord.publicKey,
    fetch: discord.rest.fetch,
    random: sequence(0),
  });
  await endpoint.sync();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    endpoint.handler,
  );
  const url = `http://127.0.0.1:${server.addr.port}/interactions`;
  discord.useEndpoint((request) => fetch(new Request(url, request)));
  const rolled = await discord.runCommand(roll, { sides: 10, count: 3 });
  assert.equal(rolled.body.data?.content, "🎲 3d10: 1 + 1 + 1 = 3");
});

Deno.test("dice bot over HTTP ends the process with code 1, saying why, when Deno.serve stops serving on an error (out of file descriptors)", async () => {
  const codes: number[] = [];
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (...data: unknown[]) => void errors.push(data.join(" "));
  try {
    await exitWhenServingFails(
      {
        finished: Promise.reject(
          new Error("Http: Error: Too many open files (os error 24)"),
        ),
      },
      (code) => void codes.push(code),
    );
  } finally {
    console.error = consoleError;
  }
  assert.deepEqual(codes, [1]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /stopped serving.*Too many open files/);
});

Deno.test("dice bot over HTTP does not end the process when its server is shut down", async () => {
  const codes: number[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("ok"),
  );
  const watching = exitWhenServingFails(
    server,
    (code) => void codes.push(code),
  );
  await server.shutdown();
  await watching;
  assert.deepEqual(codes, []);
});
