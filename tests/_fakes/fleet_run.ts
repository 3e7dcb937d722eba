// Runs a fleet of subprocesses (tests/_fakes/fleet_worker.ts) against the
// fake gateway on loopback and reports what the fake saw. Everyone (the fake
// and every subprocess) runs on one ScaledScheduler: the real clock sped up
// SCALE times from a shared epoch, because a virtual clock cannot cross a
// process boundary. Start-up is measured on that clock, from the first
// IDENTIFY the fake received to the last READY it sent. Queues pace at
// INTERVAL_MS (5 s plus 50 %): the extra covers loopback latency jitter
// between two processes, which the scale magnifies SCALE times (50 ms of
// real jitter is 500 ms on this clock; a 500 ms margin sometimes did not
// absorb it on a loaded 2-core machine, and a 1 s one once did not either,
// an IDENTIFY arriving 102 ms late beside a whole test suite and another
// 155 ms late at a load of 13 to 19: the 2.5 s margin absorbs 250 ms).
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { serveFakeGateway } from "../../testing/fake_gateway_server.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { ScaledScheduler } from "./scaled_scheduler.ts";
import type { FleetWorkerConfig } from "./fleet_worker.ts";
import { within } from "./watchdog.ts";

export const SCALE = 10;
export const INTERVAL_MS = 7_500;
const WORKER = new URL("./fleet_worker.ts", import.meta.url).pathname;

/** What one fleet run saw at the fake gateway. */
export interface FleetRun {
  /** IDENTIFYs refused for the max_concurrency window. */
  violations: number;
  /** Sessions started. */
  sessionStarts: number;
  /** First IDENTIFY to last READY, on the scaled clock (ms). */
  startupMs: number;
  /** Each IDENTIFY: scaled time, shard, outcome (for failure messages). */
  identifies: string;
}

/**
 * Run `shards` shards over `processes` subprocesses (shard `i` in process
 * `i % processes`) until each is READY, then close everything.
 */
export async function runFleet(options: {
  processes: number;
  shards: number;
  maxConcurrency: number;
  shared: boolean;
  redisUrl?: string;
}): Promise<FleetRun> {
  const scheduler = new ScaledScheduler(Date.now(), SCALE);
  const gateway = new FakeGateway({
    scheduler,
    maxConcurrency: options.maxConcurrency,
    guilds: options.shards,
  });
  const served = await serveFakeGateway(gateway);
  const prefix = `disruption:test:fleet:${crypto.randomUUID()}`;
  const children: Deno.ChildProcess[] = [];
  try {
    for (let p = 0; p < options.processes; p++) {
      const config: FleetWorkerConfig = {
        gatewayUrl: served.url,
        ...(options.shared ? { redisUrl: options.redisUrl! } : {}),
        prefix,
        shardIds: [...Array(options.shards).keys()].filter((s) =>
          s % options.processes === p
        ),
        shardCount: options.shards,
        maxConcurrency: options.maxConcurrency,
        intervalMs: INTERVAL_MS,
        epoch: scheduler.epoch,
        scale: SCALE,
      };
      children.push(
        // "deno" by name: the test task allows running exactly that (--allow-run=deno).
        new Deno.Command("deno", {
          args: [
            "run",
            "--allow-net=127.0.0.1,localhost",
            "--allow-env",
            "--allow-read",
            WORKER,
            JSON.stringify(config),
          ],
          stdin: "piped",
          stdout: "piped",
          stderr: "inherit",
          env: { NO_PROXY: "127.0.0.1,localhost" },
        }).spawn(),
      );
    }
    const loaded = children.map(() => Promise.withResolvers<void>());
    const readies = Promise.all(children.map(async (child, i) => {
      const text = new TextDecoder();
      let seen = "";
      for await (const chunk of child.stdout) {
        seen += text.decode(chunk, { stream: true });
        if (seen.includes("loaded")) loaded[i]!.resolve();
        if (seen.includes("ready")) return;
      }
      const error = new Error("a worker ended before its shards were READY");
      loaded[i]!.reject(error);
      throw error;
    }));
    readies.catch(() => {}); // awaited below
    await within(
      Promise.all(loaded.map((l) => l.promise)),
      "every worker loaded",
      60_000,
    );
    // Start-up is the queue's, not the runtimes' (see fleet_worker.ts).
    for (const child of children) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode("go\n"));
      writer.releaseLock();
    }
    await within(readies, "every worker's shards READY", 60_000);
    const identifies = gateway.log.filter((e) => e.type === "identify");
    const ready = identifies.filter((e) => e.outcome === "ready");
    return {
      violations: identifies.filter((e) => e.outcome === "invalid-session")
        .length,
      sessionStarts: gateway.counters.sessionStarts,
      identifies: identifies.map((e) =>
        `${Math.round(e.at)}:${e.shard?.[0]}:${e.outcome}`
      ).join(" "),
      startupMs: Math.max(...ready.map((e) => e.at)) -
        Math.min(...identifies.map((e) => e.at)),
    };
  } finally {
    for (const child of children) {
      await child.stdin.close().catch(() => {});
    }
    for (const child of children) await child.status;
    await served.close();
    gateway.close();
    if (options.shared) {
      const redis = await connectRedis({ url: options.redisUrl! });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await closeRedis(redis);
    }
  }
}
