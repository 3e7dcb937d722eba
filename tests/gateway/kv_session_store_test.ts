import assert from "node:assert/strict";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import type {
  SavedSession,
  SessionStore,
} from "../../gateway/session_store.ts";

function session(overrides: Partial<SavedSession> = {}): SavedSession {
  return {
    shardId: 0,
    shardCount: 4,
    sessionId: "session-0",
    sequence: 10,
    resumeUrl: "wss://gateway-us-east1-b.discord.gg",
    savedAt: 1_000_000,
    ...overrides,
  };
}

function sessions(
  count: number,
  extra: Partial<SavedSession> = {},
): SavedSession[] {
  return Array.from({ length: count }, (_, shardId) =>
    session({
      shardId,
      shardCount: count,
      sessionId: `session-${shardId}`,
      sequence: shardId * 3,
      ...extra,
    }));
}

/** The shard IDs 0 to `count - 1`. */
function shardRange(count: number): number[] {
  return Array.from({ length: count }, (_, shardId) => shardId);
}

/** Run `fn` with a fresh database file in a temporary directory, then remove it. */
async function withTempDir(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "disruption_kv_" });
  try {
    await fn(`${dir}/sessions.sqlite3`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Count the atomic operations a store starts on `kv`. */
function countAtomics(kv: Deno.Kv): { readonly count: number } {
  const counter = { count: 0 };
  const atomic = kv.atomic.bind(kv);
  (kv as { atomic: () => Deno.AtomicOperation }).atomic = () => {
    counter.count++;
    return atomic();
  };
  return counter;
}

Deno.test("KvSessionStore saves, loads, lists and deletes sessions", async () => {
  await withTempDir(async (path) => {
    const store: SessionStore = await KvSessionStore.open({ path });
    try {
      assert.equal(await store.load(0), undefined);
      assert.deepEqual(await store.loadAll(), []);

      await store.save([
        session({ shardId: 3, sessionId: "c" }),
        session({ shardId: 1, sessionId: "a", resumeUrl: undefined }),
      ]);
      await store.save([session({ shardId: 2, sessionId: "b" })]);
      assert.deepEqual(
        await store.load(3),
        session({ shardId: 3, sessionId: "c" }),
      );
      const loaded = await store.load(1);
      assert.deepEqual(loaded, {
        shardId: 1,
        shardCount: 4,
        sessionId: "a",
        sequence: 10,
        savedAt: 1_000_000,
      });
      assert.equal("resumeUrl" in loaded!, false);
      assert.deepEqual(
        (await store.loadAll()).map((s) => [s.shardId, s.sessionId]),
        [[1, "a"], [2, "b"], [3, "c"]],
      );

      await store.save([
        session({ shardId: 1, sessionId: "a2", sequence: 77 }),
      ]);
      assert.equal((await store.load(1))?.sequence, 77);
      assert.equal((await store.load(2))?.sessionId, "b");

      await store.delete(2);
      await store.delete(9); // nothing saved: no error
      assert.equal(await store.load(2), undefined);
      assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [1, 3]);
    } finally {
      await store.close?.();
    }
  });
});

Deno.test("KvSessionStore sessions survive closing and reopening the database", async () => {
  await withTempDir(async (path) => {
    const first = await KvSessionStore.open({ path });
    await first.save([session({ shardId: 0 }), session({ shardId: 2 })]);
    await first.delete(2);
    first.close();

    const second = await KvSessionStore.open({ path });
    try {
      assert.deepEqual(await second.loadAll(), [session({ shardId: 0 })]);
    } finally {
      second.close();
    }
  });
});

Deno.test("KvSessionStore orders shards numerically", async () => {
  await withTempDir(async (path) => {
    using store = await KvSessionStore.open({ path });
    const ids = [100, 9, 10, 2, 0, 1000];
    await store.save(
      ids.map((shardId) => session({ shardId, shardCount: 1001 })),
    );
    assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [
      0,
      2,
      9,
      10,
      100,
      1000,
    ]);
  });
});

Deno.test("KvSessionStore splits big batches into as few commits as KV allows", async (t) => {
  const rows: Array<
    [
      name: string,
      count: number,
      prefix: readonly string[] | undefined,
      extra: Partial<SavedSession>,
      commits: number,
    ]
  > = [
    ["1000 shards fit one commit", 1000, undefined, {}, 1],
    ["1001 shards need two", 1001, undefined, {}, 2],
    ["2500 shards need three", 2500, undefined, {}, 3],
    // 1000 keys of over 200 bytes pass KV's 81 920-byte key limit.
    ["long keys are split by key size", 1000, ["x".repeat(200)], {}, 3],
    // KV escapes a NUL byte of a key as two bytes.
    ["NUL bytes in keys count double", 1000, ["\0".repeat(100)], {}, 3],
    // 1000 values of over 2000 bytes pass KV's 819 200-byte mutation limit.
    [
      "large values are split by size",
      1000,
      undefined,
      { resumeUrl: `wss://${"r".repeat(1000)}` },
      2,
    ],
    // V8 stores these strings in two bytes per character: 1000 values of
    // about 900 bytes.
    [
      "two-byte strings count double",
      1000,
      undefined,
      { resumeUrl: `wss://${"€".repeat(440)}` },
      2,
    ],
  ];
  for (const [name, count, prefix, extra, commits] of rows) {
    await t.step(name, async () => {
      await withTempDir(async (path) => {
        const kv = await Deno.openKv(path);
        const atomics = countAtomics(kv);
        const store = new KvSessionStore(kv, {
          ...(prefix ? { prefix } : {}),
          closeKv: true,
        });
        try {
          const batch = sessions(count, extra);
          await store.save(batch);
          assert.equal(atomics.count, commits);
          const all = await store.loadAll();
          assert.equal(all.length, count);
          assert.deepEqual(all, batch);
        } finally {
          store.close();
        }
      });
    });
  }
});

Deno.test("KvSessionStore deletes many shards in as few commits as KV allows", async (t) => {
  const rows: Array<
    [name: string, count: number, prefix: string[] | undefined, commits: number]
  > = [
    ["1000 shards in one commit", 1000, undefined, 1],
    ["2500 shards in three", 2500, undefined, 3],
    // 1000 keys of over 200 bytes pass KV's 81 920-byte key limit.
    ["long keys are split by key size", 1000, ["x".repeat(200)], 3],
  ];
  for (const [name, count, prefix, commits] of rows) {
    await t.step(name, async () => {
      await withTempDir(async (path) => {
        const kv = await Deno.openKv(path);
        const store = new KvSessionStore(kv, {
          ...(prefix ? { prefix } : {}),
          closeKv: true,
        });
        try {
          await store.save(sessions(count + 1));
          const atomics = countAtomics(kv);
          // Shard `count` stays; 5 twice is one deletion.
          await store.deleteMany([...shardRange(count), 5]);
          assert.equal(atomics.count, commits);
          assert.deepEqual(
            (await store.loadAll()).map((s) => s.shardId),
            [count],
          );
        } finally {
          store.close();
        }
      });
    });
  }
  await t.step(
    "nothing deleted when an ID is malformed, or once closed",
    async () => {
      const store = await KvSessionStore.open({ path: ":memory:" });
      await store.save(sessions(3));
      await assert.rejects(store.deleteMany([0, -1]), RangeError);
      assert.equal((await store.loadAll()).length, 3);
      await store.deleteMany([2, 99_999]); // 99_999: nothing saved, no error
      assert.equal((await store.loadAll()).length, 2);
      store.close();
      await assert.rejects(store.deleteMany([0]), /store is closed/);
    },
  );
});

Deno.test("KvSessionStore saves nothing when one session of a batch is malformed", async () => {
  await withTempDir(async (path) => {
    using store = await KvSessionStore.open({ path });
    const batch = sessions(1500);
    batch[1200] = { ...batch[1200]!, sessionId: "" };
    await assert.rejects(store.save(batch), TypeError);
    assert.deepEqual(await store.loadAll(), []);
    await assert.rejects(store.save([session({ sequence: -5 })]), RangeError);
    await assert.rejects(store.save({} as SavedSession[]), TypeError);
  });
});

Deno.test("KvSessionStore lets the last session of a shard in a batch win", async () => {
  await withTempDir(async (path) => {
    using store = await KvSessionStore.open({ path });
    await store.save([session({ sequence: 1 }), session({ sequence: 2 })]);
    assert.deepEqual(await store.loadAll(), [session({ sequence: 2 })]);
  });
});

Deno.test("KvSessionStore keeps bots with different prefixes apart", async () => {
  await withTempDir(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const a = new KvSessionStore(kv, { prefix: ["bot-a"] });
      const b = new KvSessionStore(kv, { prefix: ["bots", "b"] });
      assert.deepEqual(a.prefix, ["bot-a"]);
      await a.save([session({ sessionId: "from-a" })]);
      await b.save([session({ sessionId: "from-b" }), session({ shardId: 1 })]);
      assert.equal((await a.load(0))?.sessionId, "from-a");
      assert.equal((await b.load(0))?.sessionId, "from-b");
      assert.equal((await a.loadAll()).length, 1);
      assert.equal((await b.loadAll()).length, 2);
      // The documented key layout.
      const raw = await kv.get<SavedSession>(["bots", "b", "session", 1]);
      assert.equal(raw.value?.shardId, 1);
      const defaultStore = new KvSessionStore(kv);
      assert.deepEqual(defaultStore.prefix, ["disruption"]);
      await defaultStore.save([session({ shardId: 5, shardCount: 6 })]);
      assert.ok((await kv.get(["disruption", "session", 5])).value);
    } finally {
      kv.close();
    }
  });
});

Deno.test("KvSessionStore keeps its prefix as given: the caller's array changed later moves nothing", async () => {
  await withTempDir(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const prefix = ["bot-a"];
      const store = new KvSessionStore(kv, { prefix });
      prefix[0] = "bot-b";
      await store.save([session()]);
      assert.ok((await kv.get(["bot-a", "session", 0])).value);
      assert.equal((await kv.get(["bot-b", "session", 0])).value, null);
      assert.deepEqual(store.prefix, ["bot-a"]);
      assert.ok(Object.isFrozen(store.prefix));
    } finally {
      kv.close();
    }
  });
});

Deno.test("KvSessionStore skips stored values that are not sessions", async () => {
  await withTempDir(async (path) => {
    const kv = await Deno.openKv(path);
    const store = new KvSessionStore(kv, { closeKv: true });
    try {
      await store.save([session({ shardId: 0 })]);
      await kv.set(["disruption", "session", 1], "garbage");
      await kv.set(["disruption", "session", 2], {
        ...session({ shardId: 3 }),
      });
      await kv.set(
        ["disruption", "session", 3],
        session({ shardId: 3, sequence: -1 }),
      );
      await kv.set(
        ["disruption", "session", "4"],
        session({ shardId: 4, shardCount: 5 }),
      );
      await kv.set(
        ["disruption", "session", 5, "x"],
        session({ shardId: 5, shardCount: 6 }),
      );
      assert.equal(await store.load(1), undefined);
      assert.equal(await store.load(2), undefined); // stored under the wrong shard
      assert.equal(await store.load(3), undefined);
      assert.deepEqual(await store.loadAll(), [session({ shardId: 0 })]);
    } finally {
      store.close();
    }
  });
});

Deno.test("KvSessionStore refuses to work once closed", async () => {
  await withTempDir(async (path) => {
    const store = await KvSessionStore.open({ path });
    store.close();
    store.close(); // twice is fine
    await assert.rejects(store.load(0), {
      message: "Cannot load session as the store is closed",
    });
    await assert.rejects(store.loadAll(), Error);
    await assert.rejects(store.save([session()]), Error);
    await assert.rejects(store.delete(0), Error);
  });
});

Deno.test("KvSessionStore closes only a database it owns", async () => {
  await withTempDir(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      const borrowed = new KvSessionStore(kv);
      await borrowed.save([session()]);
      borrowed.close();
      // The application's database is still open.
      assert.ok((await kv.get(["disruption", "session", 0])).value);
    } finally {
      kv.close();
    }
  });
});

Deno.test("KvSessionStore closes a database it owns, and once closed saves nothing to one it borrowed", async () => {
  await withTempDir(async (path) => {
    const owned = await Deno.openKv(path);
    new KvSessionStore(owned, { closeKv: true }).close();
    await assert.rejects(owned.get(["disruption", "session", 0]));
    const kv = await Deno.openKv(path);
    try {
      const borrowed = new KvSessionStore(kv);
      borrowed.close();
      await assert.rejects(borrowed.save([session()]), {
        message: "Cannot save sessions as the store is closed",
      });
      await assert.rejects(borrowed.deleteMany([0]), /store is closed/);
      assert.equal((await kv.get(["disruption", "session", 0])).value, null);
    } finally {
      kv.close();
    }
  });
});

Deno.test("KvSessionStore rejects bad arguments", async () => {
  await withTempDir(async (path) => {
    const kv = await Deno.openKv(path);
    try {
      assert.throws(
        () => new KvSessionStore(kv, { prefix: "bot" as unknown as string[] }),
        TypeError,
      );
      assert.throws(
        () => new KvSessionStore(kv, { prefix: [1] as unknown as string[] }),
        TypeError,
      );
      await assert.rejects(
        KvSessionStore.open({ path, prefix: [null] as unknown as string[] }),
        TypeError,
      );
      const store = new KvSessionStore(kv);
      await assert.rejects(store.load(-1), {
        name: "RangeError",
        message:
          "Cannot load session as 'shardId' must be a non-negative integer: current value 'shardId=-1'",
      });
      await assert.rejects(store.delete(0.5), RangeError);
    } finally {
      kv.close();
    }
  });
});

Deno.test("KvSessionStore.open says to enable Deno KV when it is not", async () => {
  // Without --unstable-kv, `Deno.openKv` is undefined.
  const descriptor = Object.getOwnPropertyDescriptor(Deno, "openKv");
  assert.ok(descriptor);
  Object.defineProperty(Deno, "openKv", {
    value: undefined,
    configurable: true,
  });
  try {
    await assert.rejects(KvSessionStore.open({ path: ":memory:" }), {
      name: "TypeError",
      message:
        `Cannot open session store as Deno KV must be enabled: run with --unstable-kv (or set "unstable": ["kv"] in deno.json)`,
    });
  } finally {
    Object.defineProperty(Deno, "openKv", descriptor);
  }
  const store = await KvSessionStore.open({ path: ":memory:" });
  store.close();
});
