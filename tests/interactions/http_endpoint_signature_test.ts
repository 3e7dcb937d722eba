// The signature headers and the public key at their edges: a signature
// header one hex digit or one byte off a valid one is refused before any
// handler runs, and a public key of 64 characters that are not all hex is
// refused when the endpoint is made, not read as some other key.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const ping = command({ name: "ping", description: "Ping" });

/** `request` again, its signature header replaced by `signature`. */
function withSignature(request: Request, signature: string): Request {
  const headers = new Headers(request.headers);
  headers.set("x-signature-ed25519", signature);
  return new Request(request.url, {
    method: "POST",
    headers,
    body: request.clone().body,
  });
}

Deno.test("endpoint refuses a signature header one hex digit or one byte off a valid signature with 401, and no handler runs", async () => {
  const { signer, router, handler } = await endpointHarness();
  let ran = 0;
  router.command(ping, (_, ctx) => {
    ran++;
    return ctx.respond("pong");
  });
  const good = await signer.request(commandInteraction({ name: "ping" }));
  const signature = good.headers.get("x-signature-ed25519")!;
  assert.equal(signature.length, 128);
  const cases: [string, string][] = [
    ["a digit more", `${signature}0`],
    ["a digit less", signature.slice(0, -1)],
    ["a byte more", `${signature}00`],
    ["a byte less", signature.slice(0, -2)],
  ];
  for (const [what, header] of cases) {
    const response = await handler(withSignature(good, header));
    assert.equal(response.status, 401, what);
    assert.equal(await response.text(), "invalid request signature", what);
  }
  assert.equal(ran, 0, "no handler ran");
  // The signature itself is good: sent as signed, it is taken.
  const taken = await handler(good);
  assert.equal(taken.status, 200);
  assert.deepEqual(await taken.json(), { type: 4, data: { content: "pong" } });
  assert.equal(ran, 1);
});

Deno.test("interactionsEndpoint refuses a public key of 64 characters that are not all hex", async () => {
  const { signer } = await endpointHarness();
  const router = new InteractionRouter();
  const rest = new RestClient({ token: "t" });
  // A real key with one digit mistyped, and one with a non-hex prefix.
  for (
    const publicKey of [
      `${signer.publicKey.slice(0, 10)}g${signer.publicKey.slice(11)}`,
      `zz${signer.publicKey.slice(2)}`,
    ]
  ) {
    assert.equal(publicKey.length, 64);
    assert.throws(
      () => interactionsEndpoint({ publicKey, router, rest }),
      {
        name: "TypeError",
        message: /'publicKey' must be 64 hex characters/,
      },
      publicKey,
    );
  }
});

Deno.test("endpoint answers a signed PING with PONG once: the same PING sent again is refused as a replay", async () => {
  const { signer, handler } = await endpointHarness();
  const ping = await signer.request({ type: 1, id: "700" });
  const pong = await handler(ping.clone());
  assert.equal(pong.status, 200);
  assert.deepEqual(await pong.json(), { type: 1 });
  const again = await handler(ping);
  assert.equal(again.status, 401);
  assert.equal(await again.text(), "replayed request");
});

Deno.test("interactionsEndpoint refuses a small-order key with its sign bit set and y = p, and takes the keys just beside them", () => {
  const router = new InteractionRouter();
  const rest = new RestClient({ token: "t" });
  const ff = (n: number) => "ff".repeat(n);
  const refused = [
    "01" + "00".repeat(30) + "80", // the identity, x's sign bit set
    "00".repeat(31) + "80", // order 4, x's sign bit set
    "ec" + ff(30) + "ff", // order 2, x's sign bit set
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8, x negative
    "ed" + ff(30) + "7f", // y = p
    "ed" + ff(30) + "ff", // y = p, x's sign bit set
  ];
  for (const publicKey of refused) {
    assert.throws(
      () => interactionsEndpoint({ publicKey, router, rest }),
      { name: "TypeError", message: /is not a real Ed25519 key/ },
      publicKey,
    );
  }
  // Below p, none of them small-order: taken (made without an error).
  const taken = [
    "ed" + "fe" + ff(29) + "7f", // p - 256
    "ee" + "00" + ff(29) + "7f",
    "ee" + "00".repeat(30) + "7f",
    "ee" + ff(30) + "7e",
  ];
  for (const publicKey of taken) {
    interactionsEndpoint({ publicKey, router, rest });
  }
});
