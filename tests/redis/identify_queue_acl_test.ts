// RedisIdentifyQueue under a least-privilege Redis user (an ACL such as
// `+@read +@write +@scripting`): a refused PING (Redis answering) blocked
// every attempt with a warning about a script never sent, and a refused
// TIME inside the script said only "can't run this command". The queue now
// measures its round trip from the refusal, and a permission error names
// every command the user needs.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
  RedisIdentifyQueue,
} from "../../redis/mod.ts";
import { IDENTIFY_QUEUE_COMMANDS } from "../../redis/_redis_permissions.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const server = testRedis();

/**
 * Run `fn` on a connection as a new ACL user holding `rules` (removed
 * after), the queue's keys under a fresh prefix.
 */
async function asUser(
  rules: string[],
  fn: (redis: RedisConnection, prefix: string) => Promise<void>,
): Promise<void> {
  const user = `iq-acl-${crypto.randomUUID()}`;
  const admin = await connectRedis({ url: server.url });
  await admin.call(
    "ACL",
    "SETUSER",
    user,
    "reset",
    "on",
    ">pw",
    "~*",
    ...rules,
  );
  const url = new URL(server.url);
  url.username = user;
  url.password = "pw";
  // ioredis warns with console.warn when the ready check's INFO is refused.
  // deno-lint-ignore no-console
  const warn = console.warn;
  // deno-lint-ignore no-console
  console.warn = () => {};
  let redis: RedisConnection | undefined;
  try {
    redis = await connectRedis({ url: url.href });
    await fn(redis, `iq-acl:${crypto.randomUUID()}`);
  } finally {
    // deno-lint-ignore no-console
    console.warn = warn;
    if (redis) await closeRedis(redis);
    await admin.call("ACL", "DELUSER", user);
    await closeRedis(admin);
  }
}

/** `redis` with every script's reply (or refusal) kept in `evals`. */
function keepingEvals(
  redis: RedisConnection,
  evals: Promise<unknown>[],
): RedisConnection {
  return new Proxy(redis, {
    get(target, name): unknown {
      if (name === "eval") {
        return (...args: unknown[]) => {
          const reply = (target.eval as (...a: unknown[]) => Promise<unknown>)
            .apply(target, args);
          evals.push(reply.catch(() => {}));
          return reply;
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test({
  name:
    "RedisIdentifyQueue: a user without PING (+@read +@write +@scripting) still identifies: the refused PING is a round trip",
  ignore: server.ignore,
  fn: () =>
    asUser(["+@read", "+@write", "+@scripting"], async (redis, prefix) => {
      const scheduler = new VirtualScheduler();
      const queue = new RedisIdentifyQueue(redis, {
        prefix,
        clock: "scheduler",
        scheduler,
      });
      const said = await captureStderr(() =>
        within(queue.acquire(0), "the grant", 5_000)
      );
      assert.deepEqual(said, []);
    }),
});

Deno.test({
  name:
    "RedisIdentifyQueue: a permission error names the commands the Redis user needs",
  ignore: server.ignore,
  fn: () =>
    asUser(["+@read", "+@write", "+@scripting"], async (redis, prefix) => {
      // On Redis's clock the script calls TIME, which is in @fast.
      const evals: Promise<unknown>[] = [];
      const scheduler = new VirtualScheduler();
      const queue = new RedisIdentifyQueue(keepingEvals(redis, evals), {
        prefix,
        scheduler,
      });
      const stop = new AbortController();
      let waiting: Promise<void> | undefined;
      const said = await captureStderr(async () => {
        waiting = queue.acquire(0, stop.signal);
        // The first script stores the assumed budget (its refusal is the
        // attempt's to say); the second is the attempt's.
        for (let i = 0; i < 100 && evals.length < 2; i++) {
          await within(redis.ping().catch(() => {}), "a round trip");
        }
        await within(Promise.all(evals), "the script's refusal");
        await scheduler.flushMicrotasks();
      });
      stop.abort(new Error("shard closed"));
      await assert.rejects(waiting!, /shard closed/);
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(said[0]!, /can't run this command/);
      assert.match(
        said[0]!,
        /the Redis user needs \+evalsha \+eval \+ping \+time \+multi \+exec/,
      );
    }),
});

Deno.test({
  name:
    "RedisIdentifyQueue: the commands it names are all it needs (grant, budget, leaving)",
  ignore: server.ignore,
  fn: () =>
    asUser(
      ["-@all", ...IDENTIFY_QUEUE_COMMANDS.map((name) => `+${name}`)],
      async (redis, prefix) => {
        const queue = new RedisIdentifyQueue(redis, {
          prefix,
          sessionStartLimit: {
            total: 10,
            remaining: 10,
            reset_after: 60_000,
            max_concurrency: 1,
          },
        });
        const said = await captureStderr(async () => {
          await within(queue.acquire(0), "the grant", 5_000);
          assert.equal((await queue.budget())?.remaining, 9);
          // Leaving (an aborted wait) is a MULTI of ZREMs.
          const stop = new AbortController();
          const waiting = queue.acquire(0, stop.signal);
          stop.abort(new Error("shard closed"));
          await assert.rejects(waiting, /shard closed/);
          const left = await redis.multi().zrem(`${prefix}:queue:0`, "x")
            .exec();
          assert.deepEqual(left, [[null, 0]]);
        });
        assert.deepEqual(said, []);
      },
    ),
});
