// The dispatch service in the test's own process on a virtual clock (the
// tests that steer its broker or its Redis from inside: a frozen Redis, the
// default queue's check), and the loop that drives that clock.
import { loadDispatchConfig } from "../../dispatch/config.ts";
import { DispatchService } from "../../dispatch/service.ts";
import type { FakeDiscord } from "../../testing/fake_discord.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { FakeAmqpBroker } from "./_fake_amqp.ts";
import { within } from "../_fakes/watchdog.ts";

/**
 * A service on `scheduler` with one shard whose gateway nobody answers
 * (`gatewayUrl`: nothing listens on port 1 by default), its metrics on
 * 127.0.0.1:`metricsPort`: `env` over a broker and a Redis nothing listens
 * on (port 1).
 */
export function inProcessService(
  scheduler: VirtualScheduler,
  metricsPort: number,
  env: Record<string, string> = {},
  gatewayUrl = "ws://127.0.0.1:1",
): DispatchService {
  const gatewayBot = {
    url: gatewayUrl,
    shards: 1,
    session_start_limit: {
      total: 1000,
      remaining: 1000,
      reset_after: 0,
      max_concurrency: 1,
    },
  };
  return new DispatchService(
    loadDispatchConfig({
      BOT_TOKEN: "fake-token",
      INTENTS: "1",
      RABBIT_HOST: "127.0.0.1",
      RABBIT_PORT: "1",
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: "1",
      PROMETHEUS_HOST: "127.0.0.1",
      PROMETHEUS_PORT: String(metricsPort),
      ...env,
    }),
    { fetch: () => Promise.resolve(Response.json(gatewayBot)), scheduler },
  );
}

/**
 * {@linkcode inProcessService} on the test's fakes: `discord`'s gateway and
 * token, `broker`, and the Redis on `redisPort`; no default queue.
 */
export function serviceOnFakes(
  scheduler: VirtualScheduler,
  metricsPort: number,
  discord: FakeDiscord,
  broker: FakeAmqpBroker,
  redisPort: string,
  env: Record<string, string> = {},
): DispatchService {
  return inProcessService(
    scheduler,
    metricsPort,
    {
      BOT_TOKEN: discord.token,
      RABBIT_PORT: new URL(broker.url).port,
      REDIS_PORT: redisPort,
      DEFAULT_QUEUE: "false",
      ...env,
    },
    discord.clientOptions.gatewayUrl,
  );
}

/**
 * Advance the virtual clock `step` ms at a time until `promise` settles,
 * letting real I/O (the HTTP request, the sockets) run between the steps.
 */
export async function advanceUntil<T>(
  scheduler: VirtualScheduler,
  promise: Promise<T>,
  what: string,
  step = 250,
): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => settled = true);
  const driving = (async () => {
    while (!settled) {
      await scheduler.advance(step);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  })();
  try {
    return await within(watched, what);
  } finally {
    settled = true;
    await driving;
  }
}

/**
 * Run the clock until `test` holds, letting real I/O run between steps
 * (`each` first at every step: a write to Redis, say).
 */
export function advanceUntilTrue(
  scheduler: VirtualScheduler,
  test: () => boolean | Promise<boolean>,
  what: string,
  each: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  return advanceUntil(
    scheduler,
    (async () => {
      while (!await test()) {
        await each();
        await scheduler.advance(250);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })(),
    what,
  );
}
