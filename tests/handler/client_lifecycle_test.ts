import assert from "node:assert/strict";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { Client } from "../../handler/client.ts";
import { ClientStoppedError } from "../../handler/client_stopped_error.ts";
import { Handler } from "../../handler/handler.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { TokenRejectedError } from "../../rest/invalid_requests.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import type {
  GatewaySocket,
  SocketListener,
  Transport,
} from "../../gateway/transport.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { settlesWithin } from "../../base/scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/**
 * Drive `clock` for `ms` of virtual time: whether `promise` settled by then.
 * A wait that would hang on a regression fails instead.
 */
async function settlesOn(
  clock: VirtualScheduler,
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  const settled = settlesWithin(clock, promise, ms);
  await clock.advance(ms);
  return await settled;
}

/** A `fetch` that answers nothing until its request is aborted. */
function hangingFetch(): { fetch: typeof fetch; aborted: () => number } {
  let aborted = 0;
  const fetch = (_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => {
        aborted++;
        reject(init.signal!.reason);
      }, { once: true });
    });
  return { fetch: fetch as typeof globalThis.fetch, aborted: () => aborted };
}

/** A transport whose sockets never open (a gateway that never answers). */
function silentTransport(): { transport: Transport; open: () => number } {
  let open = 0;
  const transport = (_url: string, listener: SocketListener): GatewaySocket => {
    open++;
    let closed = false;
    return {
      send: () => {},
      close: () => {
        if (closed) return;
        closed = true;
        queueMicrotask(() => {
          open--;
          listener.onClose(1006, "closed before opening");
        });
      },
    };
  };
  return { transport, open: () => open };
}

Deno.test("stop() during GET /gateway/bot cancels the request and start() rejects with ClientStoppedError", async () => {
  const clock = new VirtualScheduler();
  const rest = hangingFetch();
  const client = new Client({
    token: "t",
    intents: INTENTS,
    fetch: rest.fetch,
    scheduler: clock,
  });
  const starting = client.start();
  await clock.flushMicrotasks();
  await client.stop();
  await assert.rejects(starting, (error) => {
    assert.ok(error instanceof ClientStoppedError);
    assert.equal(error.name, "ClientStoppedError");
    assert.match(error.message, /stopped before it finished starting/);
    return true;
  });
  assert.equal(rest.aborted(), 1);
  assert.equal(clock.pending, 0);
  assert.equal(client.shards, undefined);
});

Deno.test("stop() while shards are connecting closes their sockets, clears their timers, and start() rejects", async () => {
  const clock = new VirtualScheduler();
  const gateway = silentTransport();
  const client = new Client({
    token: "t",
    intents: INTENTS,
    gatewayUrl: "wss://gateway.invalid",
    shards: 2,
    transport: gateway.transport,
    scheduler: clock,
  });
  const starting = client.start();
  await clock.flushMicrotasks();
  assert.equal(gateway.open(), 2);
  assert.ok(clock.pending > 0, "the connect timeouts are armed");
  await client.stop();
  await assert.rejects(starting, ClientStoppedError);
  assert.equal(gateway.open(), 0);
  assert.equal(clock.pending, 0);
  // Nothing reconnects afterwards.
  await clock.advance(120_000);
  assert.equal(gateway.open(), 0);
});

Deno.test("The signal option stops a start in progress, with the signal's reason as cause", async () => {
  const clock = new VirtualScheduler();
  const gateway = silentTransport();
  const controller = new AbortController();
  const client = new Client({
    token: "t",
    intents: INTENTS,
    gatewayUrl: "wss://gateway.invalid",
    transport: gateway.transport,
    scheduler: clock,
    signal: controller.signal,
  });
  const starting = client.start();
  await clock.flushMicrotasks();
  assert.equal(gateway.open(), 1);
  controller.abort("SIGINT");
  await assert.rejects(starting, (error) => {
    assert.ok(error instanceof ClientStoppedError);
    assert.equal(error.cause, "SIGINT");
    return true;
  });
  await client.stop(); // waits for the stop the signal began
  assert.equal(gateway.open(), 0);
  assert.equal(clock.pending, 0);
  // An aborted signal refuses the next start at once.
  await assert.rejects(client.start(), ClientStoppedError);
  assert.equal(gateway.open(), 0);
});

Deno.test("The signal option stops a running client", async () => {
  // On the virtual clock: a signal that no longer stops the client fails
  // the bounded waits below instead of hanging the test run.
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const controller = new AbortController();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    signal: controller.signal,
  });
  assert.ok(await settlesOn(clock, client.start(), 10_000), "started");
  const shard = client.shards!.shard(0)!;
  assert.equal(shard.status, "ready");
  const closed = new Promise<void>((resolve) =>
    shard.on("state", (change) => {
      if (change.current === "closed") resolve();
    })
  );
  // The signal alone, as a bot's Ctrl-C: no stop() call.
  controller.abort();
  assert.ok(
    await settlesOn(clock, closed, 10_000),
    "the shard did not close within 10 s of the signal aborting",
  );
  assert.equal(shard.status, "closed");
  assert.equal(client.shards, undefined);
  assert.equal(clock.pending, 0);
});

Deno.test("A second concurrent start() rejects and events are handled once", async () => {
  await using discord = await FakeDiscord.start();
  const seen: string[] = [];
  class Bot extends Handler {
    override onMessageCreate(message: GatewayEventMap["MESSAGE_CREATE"]): void {
      seen.push(message.content);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const first = client.start(new Bot());
  const second = client.start(new Bot());
  await assert.rejects(
    second,
    /Cannot start client as it is already started or starting/,
  );
  await first;
  await assert.rejects(client.start(), /already started/);
  assert.equal(discord.gateway.connections.length, 1);
  const handled = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (m) => {
      if (m.content === "once") resolve();
    })
  );
  discord.postMessage("once");
  await handled;
  await client.idle();
  assert.deepEqual(seen, ["once"]);
  // While the stop runs, start() says so rather than "started".
  const stopping = client.stop();
  await assert.rejects(
    client.start(),
    /^Error: Cannot start client as it is already stopping: call stop\(\) and await it first$/,
  );
  await stopping;
});

Deno.test("A misspelt Handler method is reported at start with the nearest event method, one far from every event with how to silence it", async () => {
  await using discord = await FakeDiscord.start();
  class Bot extends Handler {
    onMesageCreate(): void {}
    // Lower case after `on`: still a misspelling of onMessageCreate.
    onmessageUpdate(): void {}
    // No event's: never called by the Client, which says so (it may be a
    // guess at an event name as well as the bot's own helper).
    onPingCommand(): void {}
    // Private, or not named on + capital: the bot's own, said nothing of.
    #onHelp(): void {}
    once(): void {
      this.#onHelp();
    }
    override onReady(): void {}
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(() => client.start(new Bot()));
  assert.deepEqual(lines, [
    "[WRN] disruption·handler: onMesageCreate() matches no gateway event and will never be called; did you mean onMessageCreate()? (add 'override' to have TypeScript check the name)",
    "[WRN] disruption·handler: onmessageUpdate() matches no gateway event and will never be called; did you mean onMessageUpdate()? (add 'override' to have TypeScript check the name)",
    "[WRN] disruption·handler: onPingCommand() matches no gateway event and will never be called by the Client (an event method is named after its event: onMessageCreate for MESSAGE_CREATE); a helper of your own: make it private (#onPingCommand) or name it without 'on' to silence this",
  ]);
});

Deno.test("on() rejects an unknown event name with the nearest valid one", () => {
  const client = new Client({ token: "t", intents: INTENTS });
  assert.throws(
    // @ts-expect-error: the name is misspelt on purpose
    () => client.on("MESSAGE_CREATED", () => {}),
    (error) => {
      assert.ok(error instanceof TypeError);
      assert.match(
        error.message,
        /^Cannot listen to 'MESSAGE_CREATED' as it is not a gateway event; did you mean 'MESSAGE_CREATE'\?/,
      );
      return true;
    },
  );
  assert.throws(
    // @ts-expect-error: not an event at all
    () => client.on("hello", () => {}),
    /^TypeError: Cannot listen to 'hello' as it is not a gateway event \(/,
  );
});

Deno.test("A rejected token says so and where to get one", async () => {
  await using discord = await FakeDiscord.start({ token: "the-right-token" });
  const client = new Client({
    ...discord.clientOptions,
    token: "a-wrong-token",
    intents: INTENTS,
  });
  await assert.rejects(client.start(), (error) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, "authentication_failed");
    assert.match(
      error.message,
      /^Discord rejected the token \(HTTP 401 on GET \/gateway\/bot\): copy the bot token from the Discord Developer Portal \(https:\/\/discord\.com\/developers\/applications/,
    );
    assert.ok(!error.message.includes("a-wrong-token"));
    return true;
  });
  assert.equal(client.shards, undefined);
  await client.stop();
});

Deno.test("A start() after a REST request found the token rejected fails as the documented GatewayError, with the TokenRejectedError as cause", async () => {
  await using discord = await FakeDiscord.start({ token: "the-right-token" });
  const client = new Client({
    ...discord.clientOptions,
    token: "a-wrong-token",
    intents: INTENTS,
  });
  await assert.rejects(client.rest.getGatewayBot(), /401/);
  await assert.rejects(client.start(), (error) => {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.kind, "authentication_failed");
    assert.ok(error.cause instanceof TokenRejectedError);
    assert.match(
      error.message,
      /^Discord rejected the token \(HTTP 401 on GET \/gateway\/bot, so GET \/gateway\/bot was not sent\): copy the bot token from the Discord Developer Portal/,
    );
    return true;
  });
  assert.equal(client.shards, undefined);
  await client.stop();
});

/**
 * A client on the virtual clock, started against the fake Discord and
 * stopped with `resumable: true`; `start()` starts it again, `first` is the
 * session it had.
 */
async function stoppedResumably(): Promise<
  {
    clock: VirtualScheduler;
    discord: FakeDiscord;
    client: Client;
    start: () => Promise<void>;
    first: string | undefined;
  } & AsyncDisposable
> {
  const clock = new VirtualScheduler();
  const discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const start = async (): Promise<void> => {
    const starting = client.start();
    assert.ok(await settlesOn(clock, starting, 60_000), "start() finished");
    await starting;
  };
  await start();
  const first = client.shards!.shard(0)!.sessionId;
  await client.stop({ resumable: true });
  return {
    clock,
    discord,
    client,
    start,
    first,
    async [Symbol.asyncDispose](): Promise<void> {
      await client[Symbol.asyncDispose]();
      await discord[Symbol.asyncDispose]();
    },
  };
}

Deno.test("stop({ resumable: true }) without a sessionStore keeps the sessions for the same Client's start(), which RESUMEs them; a plain stop() does not", async () => {
  await using bot = await stoppedResumably();
  const { discord, client, start, first } = bot;
  assert.equal(discord.gateway.counters.closes[4000], 1);
  await start();
  const { identifies, resumed } = discord.gateway.counters;
  assert.deepEqual({ identifies, resumed }, { identifies: 1, resumed: 1 });
  assert.equal(client.shards!.shard(0)!.sessionId, first);
  await client.stop();
  await start();
  const { sessionStarts, resumes } = discord.gateway.counters;
  assert.deepEqual(
    { sessionStarts, resumes },
    { sessionStarts: 2, resumes: 1 },
    "a session closed with 1000 is not kept",
  );
});

Deno.test("a resumable stop of a start() still asking Discord keeps what an earlier resumable stop kept", async () => {
  await using bot = await stoppedResumably();
  const { clock, discord, client, start, first } = bot;
  // Stopped again while GET /gateway/bot is still on its way: no manager.
  const cancelled = client.start();
  cancelled.catch(() => {});
  await runUntilSettled(clock, client.stop({ resumable: true }));
  await assert.rejects(runUntilSettled(clock, cancelled));
  await start();
  const { identifies, resumed } = discord.gateway.counters;
  assert.deepEqual({ identifies, resumed }, { identifies: 1, resumed: 1 });
  assert.equal(client.shards!.shard(0)!.sessionId, first);
  await client.stop();
});

Deno.test("A token the gateway rejects (4004) says where to get one", async () => {
  await using discord = await FakeDiscord.start({ token: "the-right-token" });
  const client = new Client({
    ...discord.clientOptions,
    // One shard at a given URL: no GET /gateway/bot, so the gateway decides.
    shards: 1,
    token: "a-wrong-token",
    intents: INTENTS,
  });
  const lines = await captureStderr(() =>
    assert.rejects(client.start(), (error) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.kind, "authentication_failed");
      assert.match(
        error.message,
        /^Discord rejected the token \(close code 4004\): copy the bot token from the Discord Developer Portal/,
      );
      return true;
    })
  );
  assert.match(
    lines.join("\n"),
    /\[ERR\] .*Shard 0 stopped: Discord rejected the token/,
  );
  assert.equal(client.shards, undefined);
});

Deno.test("GET /gateway/bot's session start limit reaches an identifyQueue of the bot's own", async (t) => {
  const limit = { total: 1000, remaining: 0, resetAfter: 3_600_000 };
  await t.step("a queue that takes it waits for the reset", async () => {
    const scheduler = new VirtualScheduler();
    await using discord = await FakeDiscord.start({
      scheduler,
      gateway: { sessionStartLimit: limit },
    });
    const queue = new MemoryIdentifyQueue({ scheduler });
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
      identifyQueue: queue,
    });
    // Only the default queue used to get the limit: this IDENTIFY went out
    // with no session start left, and Discord reset the token.
    let started!: Promise<void>;
    // Quiet: the queue may say on stderr that the budget is spent.
    await captureStderr(async () => {
      started = client.start();
      await scheduler.advance(60_000);
    });
    assert.equal(discord.gateway.counters.identifies, 0);
    assert.equal(queue.remaining, 0);
    await client.stop();
    await assert.rejects(started, ClientStoppedError);
  });
  await t.step("a queue that cannot take it is shown", async () => {
    const scheduler = new VirtualScheduler();
    await using discord = await FakeDiscord.start({
      scheduler,
      gateway: { sessionStartLimit: { ...limit, remaining: 5 } },
    });
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
      identifyQueue: { acquire: () => Promise.resolve() },
    });
    const lines = await captureStderr(async () => {
      const started = client.start();
      await scheduler.advance(0);
      await started;
    });
    assert.deepEqual(lines, [
      "[WRN] disruption·handler: Only 5 of the day's 1000 session starts are left (Discord resets them in 60 min): each new session spends one, and at 0 new sessions wait for the reset. Is the bot restarting in a loop, or losing its sessions (no session store)?",
      "[WRN] disruption·gateway·manager: The identify queue has no updateSessionStartLimit method, so GET /gateway/bot's session start limit (5 of 1000 left) and max_concurrency 1 are not applied to it: it must keep to them itself (Discord resets the token of a bot that starts too many sessions)",
    ]);
  });
});

Deno.test("A start() nobody awaits that fails is an unhandled rejection (the process does not exit as if the bot ran)", async () => {
  await using discord = await FakeDiscord.start({ token: "the-right-token" });
  const client = new Client({
    ...discord.clientOptions,
    token: "a-wrong-token",
    intents: INTENTS,
  });
  let note!: (event: PromiseRejectionEvent) => void;
  const unhandled = new Promise<unknown>((resolve) => {
    note = (event) => {
      event.preventDefault();
      resolve(event.reason);
    };
  });
  globalThis.addEventListener("unhandledrejection", note);
  try {
    void client.start(); // forgot the await
    const reason = await within(unhandled, "an unhandled rejection");
    assert.ok(reason instanceof GatewayError);
    assert.equal(reason.kind, "authentication_failed");
  } finally {
    globalThis.removeEventListener("unhandledrejection", note);
  }
  await client.stop();
});

Deno.test("a Client started again right after a plain stop() waits out the 5 s IDENTIFY window its last start used: the next IDENTIFY is not refused", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await runUntilSettled(clock, client.start());
  await client.stop();
  await runUntilSettled(clock, client.start());
  const identified = discord.gateway.log.flatMap((entry) =>
    entry.type === "identify" ? [entry.at] : []
  );
  const { identifies, invalidSessions } = discord.gateway.counters;
  assert.deepEqual({ identifies, invalidSessions }, {
    identifies: 2,
    invalidSessions: 0,
  });
  const [first = 0, second = 0] = identified;
  assert.ok(second - first >= 5_000, `IDENTIFYs ${second - first} ms apart`);
});
