// Which socket a shard gets by default: the TCP transport on Deno, the
// runtime's WebSocket where Deno's socket API is missing or a proxy is set. Both carry a real
// Shard to READY on loopback; which one ran shows in the ports Deno.connect
// dialled (the fake server's relay dials only its inner port). The choice is
// made with an empty environment (createDefaultTransport(NO_ENV)), so a proxy
// set where the tests run does not change what they test.
import assert from "node:assert/strict";
import {
  createDefaultTransport,
  proxyConfigured,
} from "../../gateway/default_transport.ts";
import { Shard } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { serveFakeGateway } from "../../testing/fake_gateway_server.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { within } from "../_fakes/watchdog.ts";

const TOKEN = "default-transport-token";
const NO_ENV = (): undefined => undefined;

type Mutable = {
  connect: typeof Deno.connect;
  startTls: typeof Deno.startTls | undefined;
};

/**
 * Run a Shard on the default transport's choice (made without proxy
 * variables) to READY and close it, with `Deno.startTls` removed when
 * asked.
 *
 * @returns Whether the shard dialled the server with `Deno.connect`.
 */
async function shardDialledWithDenoConnect(
  withoutStartTls: boolean,
): Promise<boolean> {
  const deno = Deno as unknown as Mutable;
  const { connect, startTls } = deno;
  const gateway = new FakeGateway({ tokens: [TOKEN] });
  const server = await serveFakeGateway(gateway);
  const ports: number[] = [];
  deno.connect = ((options: Deno.ConnectOptions) => {
    ports.push(options.port);
    return connect(options);
  }) as typeof Deno.connect;
  if (withoutStartTls) deno.startTls = undefined;
  const shard = new Shard({
    token: TOKEN,
    intents: GatewayIntent.Guilds,
    gatewayUrl: server.url,
    transport: createDefaultTransport(NO_ENV),
  });
  try {
    await within(shard.connect(), "READY");
    assert.equal(shard.status, "ready");
    assert.equal(gateway.counters.identifies, 1);
  } finally {
    await shard.close();
    deno.connect = connect;
    deno.startTls = startTls;
    gateway.close();
    await server.close();
  }
  return ports.includes(server.port);
}

Deno.test("The default transport on Deno is the TCP one (Deno.connect)", async () => {
  assert.equal(await shardDialledWithDenoConnect(false), true);
});

Deno.test("The default transport falls back to the runtime's WebSocket without Deno's socket API", async () => {
  assert.equal(await shardDialledWithDenoConnect(true), false);
});

Deno.test("A proxy variable makes the default transport the runtime's WebSocket", () => {
  const env = (values: Record<string, string>) => (name: string) =>
    values[name];
  assert.equal(proxyConfigured(env({})), false);
  assert.equal(proxyConfigured(env({ NO_PROXY: "localhost" })), false);
  assert.equal(proxyConfigured(env({ HTTPS_PROXY: "" })), false);
  for (
    const name of [
      "HTTPS_PROXY",
      "https_proxy",
      "HTTP_PROXY",
      "http_proxy",
      "ALL_PROXY",
      "all_proxy",
    ]
  ) {
    assert.equal(
      proxyConfigured(env({ [name]: "http://proxy.test:3128" })),
      true,
      name,
    );
  }
});
