// What a handler throws may defeat every way of reading it: a revoked Proxy
// (`instanceof` throws), an Error whose `message` getter throws. Building
// the HandlerError threw in turn, and the report was lost: an `atArrival`
// listener's rejection ended the process, its throw went into the shard
// (the event lost for the method and the ordinary listeners), a method's
// skipped `onError`.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { HandlerError } from "../../handler/handler_error.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

type Message = GatewayEventMap["MESSAGE_CREATE"];

/** The values no report could read, by name. */
const UNREADABLE: ReadonlyArray<readonly [string, () => unknown]> = [
  ["a revoked Proxy", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  }],
  ["a Proxy whose getPrototypeOf throws", () =>
    new Proxy({}, {
      getPrototypeOf(): never {
        throw new Error("trap");
      },
    })],
  ["an Error whose message getter throws", () => {
    const error = new Error("hidden");
    Object.defineProperty(error, "message", {
      get(): never {
        throw new Error("message getter");
      },
    });
    return error;
  }],
];

/** A bot whose method records each message and whose onError records. */
class RecordingBot extends Handler {
  readonly seen: string[] = [];
  readonly errors: HandlerError[] = [];
  override onMessageCreate(message: Message): void {
    this.seen.push(`method ${message.content}`);
  }
  override onError(error: HandlerError): void {
    this.errors.push(error);
  }
}

/**
 * Start `bot` (with `setup` adding listeners), post "before", "boom",
 * "after", and wait until all are handled.
 */
async function postThree(
  bot: Handler,
  setup: (client: Client, seen: string[]) => void,
): Promise<string[]> {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  setup(client, seen);
  client.on("MESSAGE_CREATE", (m) => void seen.push(`listener ${m.content}`));
  await client.start(bot);
  const after = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (m) => {
      if (m.content === "after") resolve();
    })
  );
  discord.postMessage("before");
  discord.postMessage("boom");
  discord.postMessage("after");
  await after;
  await client.idle();
  return seen;
}

Deno.test("HandlerError is built from any thrown value, with a fixed text for an unreadable one", () => {
  for (const [what, make] of UNREADABLE) {
    const error = new HandlerError({
      cause: make(),
      event: "MESSAGE_CREATE",
      shardId: 3,
      sequence: 9,
    });
    assert.match(
      error.message,
      /^Handler for MESSAGE_CREATE \(shard 3, sequence 9\) threw: \S/,
      what,
    );
  }
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.match(
    new HandlerError({ cause: proxy, event: "E", shardId: 0, sequence: 1 })
      .message,
    /threw: \(an unprintable value\)$/,
  );
});

Deno.test("An atArrival listener rejecting with an unreadable value reaches onError; the process goes on", async (t) => {
  for (const [what, make] of UNREADABLE) {
    await t.step(what, async () => {
      const bot = new RecordingBot();
      const seen = await postThree(
        bot,
        (client) =>
          client.on(
            "MESSAGE_CREATE",
            (m) => m.content === "boom" ? Promise.reject(make()) : undefined,
            { atArrival: true },
          ),
      );
      assert.deepEqual(bot.errors.map((e) => e.event), ["MESSAGE_CREATE"]);
      assert.equal(bot.seen.length, 3);
      assert.equal(seen.length, 3);
    });
  }
});

Deno.test("An atArrival listener throwing an unreadable value loses the event for no one else", async (t) => {
  for (const [what, make] of UNREADABLE) {
    await t.step(what, async () => {
      const bot = new RecordingBot();
      const seen = await postThree(
        bot,
        (client) =>
          client.on("MESSAGE_CREATE", (m) => {
            if (m.content === "boom") throw make();
          }, { atArrival: true }),
      );
      assert.deepEqual(bot.seen, [
        "method before",
        "method boom",
        "method after",
      ]);
      assert.deepEqual(seen, [
        "listener before",
        "listener boom",
        "listener after",
      ]);
      assert.deepEqual(bot.errors.map((e) => e.event), ["MESSAGE_CREATE"]);
    });
  }
});

Deno.test("A Handler method throwing an unreadable value reaches the overridden onError, naming event and shard", async (t) => {
  for (const [what, make] of UNREADABLE) {
    await t.step(what, async () => {
      class Bot extends RecordingBot {
        override onMessageCreate(message: Message): void {
          super.onMessageCreate(message);
          if (message.content === "boom") throw make();
        }
      }
      const bot = new Bot();
      const lines = await captureStderr(() => postThree(bot, () => {}));
      assert.deepEqual(lines, []);
      assert.equal(bot.errors.length, 1);
      const error = bot.errors[0]!;
      assert.equal(error.event, "MESSAGE_CREATE");
      assert.equal(error.shardId, 0);
      assert.match(error.message, /MESSAGE_CREATE \(shard 0, sequence \d+\)/);
    });
  }
});

Deno.test("An atArrival listener whose error report itself rejects (a JavaScript onError's thenable) is said on stderr, not left unhandled", async () => {
  class Bot extends Handler {
    override onError(): void {
      // What a JavaScript onError may return: a thenable whose then()
      // hands back a rejected promise.
      return {
        then: () => Promise.reject(new Error("report failed")),
      } as unknown as void;
    }
  }
  const lines = await captureStderr(() =>
    postThree(new Bot(), (client) =>
      client.on("MESSAGE_CREATE", (m) => {
        if (m.content === "boom") throw new Error("listener bug");
      }, { atArrival: true }))
  );
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /Handler error sink failed for an atArrival listener of MESSAGE_CREATE \(shard 0\): Error: report failed/,
  );
});

Deno.test("A handler method's rejecting thenable (what JavaScript may return) reaches onError as that method's error", async () => {
  const errors: HandlerError[] = [];
  class Bot extends Handler {
    override onError(error: HandlerError): void {
      errors.push(error);
    }
    override onMessageCreate(
      message: GatewayEventMap["MESSAGE_CREATE"],
    ): void {
      if (message.content !== "boom") return;
      return {
        then: (_ok: unknown, fail: (error: Error) => void) =>
          fail(new Error("thenable bug")),
      } as unknown as void;
    }
  }
  const lines = await captureStderr(() => postThree(new Bot(), () => {}));
  assert.deepEqual(lines, []);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.method, "onMessageCreate");
  assert.match(
    errors[0]!.message,
    /onMessageCreate for MESSAGE_CREATE .* threw: thenable bug$/,
  );
});

Deno.test("An onError that throws is said on stderr with the error it was handling", async () => {
  class Bot extends Handler {
    override onError(): void {
      throw new Error("sink bug");
    }
    override onMessageCreate(
      message: GatewayEventMap["MESSAGE_CREATE"],
    ): void {
      if (message.content === "boom") throw new Error("handler bug");
    }
  }
  const lines = await captureStderr(() => postThree(new Bot(), () => {}));
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /Handler\.onError threw: Error: sink bug/);
  assert.match(
    lines[0]!,
    /, handling: HandlerError: Handler method onMessageCreate for MESSAGE_CREATE .* threw: handler bug/,
  );
});
