// A FleetShards process started with another bot's token on a fleet's
// prefix. It used to join unseen: it took its fair share, could not RESUME
// the first bot's sessions with its token, IDENTIFYed them as itself, and
// the first bot's sessions of those shards were left unrun (387 of 2600
// events lost in a review's run, nothing on stderr). Now the prefix records
// its bot (`<prefix>:bot`): a token whose first part is a user id is refused
// by start() before it takes anything; one that names no user id (a test's
// token) leaves at its first READY of another bot. Each bot has its own fake
// gateway here (one fake answers every token with one bot user), on the
// scene's VirtualScheduler against the test Redis.
import assert from "node:assert/strict";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { serveFakeGateway } from "../../testing/fake_gateway_server.ts";
import { OtherBotError } from "../../fleet/other_bot_error.ts";
import { botIdOfToken } from "../../fleet/fleet_bot.ts";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { sessionStoreAt } from "../_fakes/fleet_scene.ts";
import {
  deliveredMessages,
  established,
  type Scene,
  stepAll,
  type Valve,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

const BOT_A = "1100000000000000001";
const BOT_B = "2200000000000000002";

/** A token of `botId` as Discord makes them: the id in base64 first. */
function tokenOf(botId: string, rest = "GhIjKl.mNoPqRsTuV"): string {
  return `${btoa(botId).replace(/=+$/, "")}.${rest}`;
}

/** One bot's fake gateway, served on loopback. */
interface BotGateway {
  gateway: FakeGateway;
  url: string;
  /** The ids of its active sessions, sorted. */
  active(): string[];
  close(): Promise<void>;
}

/** A fake gateway of `botId` accepting `tokens`, on the scene's clock. */
async function botGateway(
  s: Scene,
  botId: string,
  tokens: string[],
): Promise<BotGateway> {
  const gateway = new FakeGateway({
    scheduler: s.scheduler,
    maxConcurrency: 16,
    guilds: 2,
    heartbeatInterval: 3_600_000,
    tokens,
    botUser: { id: botId, username: `Bot${botId.slice(-1)}` },
  });
  const served = await serveFakeGateway(gateway);
  return {
    gateway,
    url: served.url,
    active: () =>
      gateway.sessions.filter((x) => x.state === "active").map((x) => x.id)
        .sort(),
    close: async () => {
      await served.close();
      gateway.close();
    },
  };
}

/** Step the scene until `done`, at most `steps` seconds. */
async function until(
  s: Scene,
  valves: Valve[],
  done: () => boolean,
  steps = 40,
): Promise<void> {
  for (let i = 0; i < steps && !done(); i++) await stepAll(s, valves);
}

/** A MESSAGE_CREATE in each of `gateway`'s guilds: their ids. */
function post(gateway: FakeGateway, tag: string): string[] {
  return gateway.guildIds.map((guild, i) => {
    const id = `${tag}-${i}`;
    gateway.dispatch(
      "MESSAGE_CREATE",
      { id, guild_id: guild, channel_id: "1", content: "" },
      { ignoreIntents: true },
    );
    return id;
  });
}

/** How many processes are members of the fleet of 2 shards. */
async function members(s: Scene): Promise<number> {
  return (await s.direct.hkeys(`${s.prefix}:fleet:2:members`)).length;
}

/** The owners of the leases of 2 shards, by shard. */
async function owners(s: Scene): Promise<Record<string, string>> {
  const leases = await s.leases(2);
  return Object.fromEntries(
    Object.entries(leases).map(([shard, v]) => [shard, v.split("|")[0]!]),
  );
}

Deno.test("botIdOfToken: the user id in a token's first part, else none", () => {
  assert.equal(botIdOfToken(tokenOf(BOT_A)), BOT_A);
  assert.equal(botIdOfToken(`Bot ${tokenOf(BOT_B, "x.y")}\n`), BOT_B);
  // base64url, unpadded: as Discord writes them.
  assert.equal(
    botIdOfToken("MTIzNDU2Nzg5MDEyMzQ1Njc4.x.y"),
    "123456789012345678",
  );
  for (const token of ["fake-token", "other-token", "", "bm90LWFuLWlk.x"]) {
    assert.equal(botIdOfToken(token), undefined, token);
  }
});

valvesTest(
  "FleetShards: a process whose token is another bot's (its id in the token) is refused by start() with OtherBotError naming both bots and the prefix, takes no lease, and the fleet's bot loses nothing",
  2,
  async (s, [va, vb]) => {
    const g = await botGateway(s, BOT_A, [tokenOf(BOT_A)]);
    try {
      const a = await s.member(va!, {
        token: tokenOf(BOT_A),
        gatewayUrl: g.url,
      });
      const got = deliveredMessages([a]);
      await established(s, a);
      await a.start();
      await until(
        s,
        [va!],
        () => a.shardIds.length === 2 && g.active().length === 2,
      );
      assert.deepEqual(a.shardIds, [0, 1]);
      const [sessions, held, from] = [
        g.active(),
        await owners(s),
        g.gateway.log.length,
      ];

      const b = await s.member(vb!, {
        token: tokenOf(BOT_B),
        gatewayUrl: g.url,
      });
      const error = await b.start().then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof OtherBotError, String(error));
      assert.equal(error.fleetBotId, BOT_A);
      assert.equal(error.botId, BOT_B);
      assert.equal(error.prefix, `${s.prefix}:fleet`);
      assert.match(error.message, new RegExp(`bot ${BOT_A}.*bot ${BOT_B}'s`));
      // Not even a member: the fleet's processes shed nothing to it.
      assert.equal(await members(s), 1);
      const posted = post(g.gateway, "after");
      for (let i = 0; i < 5; i++) await stepAll(s, [va!, vb!]);
      assert.deepEqual([a.shardIds, b.shardIds], [[0, 1], []]);
      assert.deepEqual(await owners(s), held);
      assert.deepEqual(g.active(), sessions);
      assert.deepEqual(
        g.gateway.log.slice(from).filter((e) =>
          e.type === "identify" || e.type === "resume"
        ),
        [],
      );
      assert.deepEqual([...got].sort(), posted);
      assert.equal(await s.direct.get(`${s.prefix}:fleet:bot`), BOT_A);
    } finally {
      await g.close();
    }
  },
);

valvesTest(
  "FleetShards: the same bot with another token (reset: the same id in it) joins and shares the shards, nothing said",
  2,
  async (s, [va, vb]) => {
    const [first, reset] = [tokenOf(BOT_A), tokenOf(BOT_A, "Zz9Yy8.Xx7Ww6Vv5")];
    const g = await botGateway(s, BOT_A, [first, reset]);
    try {
      const lines = await captureStderr(async () => {
        const a = await s.member(va!, { token: first, gatewayUrl: g.url });
        const b = await s.member(vb!, { token: reset, gatewayUrl: g.url });
        await established(s, a);
        await a.start();
        await until(s, [va!], () => a.shardIds.length === 2);
        await b.start();
        await until(
          s,
          [va!, vb!],
          () =>
            a.shardIds.length === 1 && b.shardIds.length === 1 &&
            g.active().length === 2,
        );
        assert.deepEqual([a.shardIds.length, b.shardIds.length], [1, 1]);
      });
      assert.deepEqual(
        lines.filter((l) => /bot \d/.test(l)),
        [],
        lines.join("\n"),
      );
    } finally {
      await g.close();
    }
  },
);

valvesTest(
  "FleetShards: a process of another bot whose token names no user id leaves at its first READY, saving no session, said once naming both bots; the fleet's bot takes its shard back by RESUME, no event lost",
  2,
  async (s, [va, vb]) => {
    const ga = await botGateway(s, BOT_A, ["fake-token"]);
    const gb = await botGateway(s, BOT_B, ["other-token"]);
    try {
      const a = await s.member(va!, { gatewayUrl: ga.url, redisStore: true });
      const got = deliveredMessages([a]);
      let b: FleetShards | undefined;
      const posted: string[] = [];
      const lines = await captureStderr(async () => {
        await established(s, a);
        await a.start();
        await until(
          s,
          [va!],
          () => a.shardIds.length === 2 && ga.active().length === 2,
        );
        assert.deepEqual(a.shardIds, [0, 1]);
        await until(s, [va!], () => false, 2); // READYs checked
        const sessions = ga.active();
        const from = ga.gateway.log.length;

        b = await s.member(vb!, {
          token: "other-token",
          gatewayUrl: gb.url,
          redisStore: true,
        });
        await b.start(); // cannot be told before a READY
        // a hands b a shard; events of its guild wait for a RESUME.
        await until(s, [va!, vb!], () => a.shardIds.length === 1);
        assert.equal(a.shardIds.length, 1);
        posted.push(...post(ga.gateway, "handed"));
        await until(
          s,
          [va!, vb!],
          () => a.shardIds.length === 2 && ga.active().length === 2,
        );
        assert.deepEqual([a.shardIds, b.shardIds], [[0, 1], []]);
        posted.push(...post(ga.gateway, "back"));
        await until(s, [va!, vb!], () => got.length === posted.length, 5);
        // The same two sessions of bot A: none orphaned, none identified.
        assert.deepEqual(ga.active(), sessions);
        const since = ga.gateway.log.slice(from);
        assert.deepEqual(since.filter((e) => e.type === "identify"), []);
        // b tried to RESUME a's saved session with its token on its own
        // gateway (a's resume host, another port of 127.0.0.1, is not its
        // gateway's: the token goes nowhere else), refused, then
        // identified; a resumed the session afterwards.
        const resumes = since.filter((e) => e.type === "resume");
        assert.deepEqual(
          resumes.map((r) => r.type === "resume" && r.outcome),
          ["resumed"],
        );
        assert.deepEqual(
          gb.gateway.log.filter((e) => e.type === "resume").map((r) =>
            r.type === "resume" && r.outcome
          ),
          ["invalid-session"],
        );
        // b identified as bot B once, on its own gateway, and left.
        assert.equal(
          gb.gateway.log.filter((e) => e.type === "identify").length,
          1,
        );
        assert.equal(await members(s), 1);
        // Recorded from a's READYs (the token names no bot), kept.
        assert.equal(await s.direct.get(`${s.prefix}:fleet:bot`), BOT_A);
        // Its sessions are bot A's only: b saved none of bot B's.
        const saved = await sessionStoreAt(s.direct, s.prefix).loadAll();
        assert.deepEqual(saved.map((x) => x.sessionId).sort(), sessions);
      });
      assert.deepEqual([...got].sort(), [...posted].sort());
      const said = lines.filter((l) => l.includes("another bot's token"));
      assert.equal(said.length, 1, lines.join("\n"));
      assert.match(
        said[0]!,
        new RegExp(
          `^\\[ERR\\] disruption·fleet: Shard \\d+'s READY is of bot ${BOT_B}, and the fleet's prefix ${s.prefix}:fleet is bot ${BOT_A}'s `,
        ),
      );
    } finally {
      await ga.close();
      await gb.close();
    }
  },
);

const RECORD_TOKENS: [string, string][] = [
  ["a user id", tokenOf(BOT_A)],
  ["no user id", "fake-token"],
];
for (const [kind, token] of RECORD_TOKENS) {
  valvesTest(
    `FleetShards: the fleet's bot record lost from Redis (token with ${kind}) is written again at the next tick, nothing said, nothing stopped`,
    1,
    async (s, [va]) => {
      const g = await botGateway(s, BOT_A, [token]);
      try {
        const lines = await captureStderr(async () => {
          const a = await s.member(va!, { token, gatewayUrl: g.url });
          await established(s, a);
          await a.start();
          await until(
            s,
            [va!],
            () => a.shardIds.length === 2 && g.active().length === 2,
          );
          const key = `${s.prefix}:fleet:bot`;
          await until(s, [va!], () => false, 2);
          assert.equal(await s.direct.get(key), BOT_A);
          const sessions = g.active();
          await s.direct.del(key);
          await until(s, [va!], () => false, 2);
          assert.equal(await s.direct.get(key), BOT_A);
          assert.deepEqual([a.shardIds, g.active()], [[0, 1], sessions]);
        });
        assert.deepEqual(
          lines.filter((l) => /bot \d/.test(l)),
          [],
          lines.join("\n"),
        );
      } finally {
        await g.close();
      }
    },
  );
}

valvesTest(
  "FleetShards: a close() while start() checks the fleet's bot wins: start() rejects, nothing is taken, no member is left",
  1,
  async (s, [va]) => {
    const g = await botGateway(s, BOT_A, [tokenOf(BOT_A)]);
    try {
      const a = await s.member(va!, {
        token: tokenOf(BOT_A),
        gatewayUrl: g.url,
      });
      // Ctrl+C while a deploy starts: close() runs during start()'s first
      // Redis round trip.
      const started = a.start().then(() => undefined, (e: unknown) => e);
      await a.close();
      const error = await started;
      assert.ok(error instanceof Error, String(error));
      assert.match(error.message, /close\(\) was called while it started/);
      for (let i = 0; i < 5; i++) await stepAll(s, [va!]);
      assert.deepEqual(a.shardIds, []);
      assert.equal(await members(s), 0);
      assert.deepEqual(await owners(s), {});
      assert.deepEqual(g.active(), []);
    } finally {
      await g.close();
    }
  },
);
