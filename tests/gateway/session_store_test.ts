import assert from "node:assert/strict";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import {
  assertSavedSession,
  DEFAULT_SESSION_MAX_AGE,
  isSavedSession,
  isSessionUsable,
  MemorySessionStore,
  type SavedSession,
  type SessionStore,
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

Deno.test("MemorySessionStore saves, loads, lists and deletes sessions", async () => {
  const store: SessionStore = new MemorySessionStore();
  assert.equal(await store.load(0), undefined);
  assert.deepEqual(await store.loadAll(), []);

  await store.save([
    session({ shardId: 3, sessionId: "c" }),
    session({ shardId: 1, sessionId: "a" }),
  ]);
  await store.save([session({ shardId: 2, sessionId: "b" })]);
  assert.deepEqual(
    await store.load(1),
    session({ shardId: 1, sessionId: "a" }),
  );
  assert.deepEqual(
    (await store.loadAll()).map((s) => [s.shardId, s.sessionId]),
    [[1, "a"], [2, "b"], [3, "c"]],
  );

  // A later save replaces that shard only.
  await store.save([session({ shardId: 1, sessionId: "a2", sequence: 99 })]);
  assert.equal((await store.load(1))?.sessionId, "a2");
  assert.equal((await store.load(1))?.sequence, 99);
  assert.equal((await store.load(2))?.sessionId, "b");

  await store.delete(2);
  await store.delete(7); // nothing saved: no error
  assert.equal(await store.load(2), undefined);
  assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [1, 3]);
});

Deno.test("MemorySessionStore copies sessions in and out", async () => {
  const input = session({ shardId: 1 });
  const store = new MemorySessionStore();
  await store.save([input]);
  input.sequence = 500;
  const loaded = await store.load(1);
  assert.equal(loaded?.sequence, 10);
  loaded!.sessionId = "changed";
  (await store.loadAll())[0]!.sequence = 1;
  assert.deepEqual(await store.load(1), session({ shardId: 1 }));
});

Deno.test("MemorySessionStore keeps only the documented fields", async () => {
  const store = new MemorySessionStore();
  const withExtra = { ...session(), token: "secret" } as SavedSession;
  await store.save([withExtra, session({ shardId: 1, resumeUrl: undefined })]);
  assert.deepEqual(Object.keys((await store.load(0))!).sort(), [
    "resumeUrl",
    "savedAt",
    "sequence",
    "sessionId",
    "shardCount",
    "shardId",
  ]);
  // An undefined resumeUrl is not stored as a key.
  assert.equal("resumeUrl" in (await store.load(1))!, false);
});

Deno.test("MemorySessionStore lets the last session of a shard in a batch win", async () => {
  const store = new MemorySessionStore();
  await store.save([
    session({ sequence: 1 }),
    session({ sequence: 2 }),
  ]);
  assert.equal((await store.load(0))?.sequence, 2);
  assert.equal((await store.loadAll()).length, 1);
});

Deno.test("MemorySessionStore saves nothing when one session of a batch is malformed", async () => {
  const store = new MemorySessionStore();
  await assert.rejects(
    store.save([
      session({ shardId: 0 }),
      session({ shardId: 1, sequence: -1 }),
    ]),
    RangeError,
  );
  assert.deepEqual(await store.loadAll(), []);
  await assert.rejects(
    store.save("nope" as unknown as SavedSession[]),
    TypeError,
  );
});

Deno.test("MemorySessionStore starts with the sessions it is given", async () => {
  const store = new MemorySessionStore([
    session({ shardId: 2 }),
    session({ shardId: 0 }),
  ]);
  assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [0, 2]);
  assert.throws(
    () => new MemorySessionStore([session({ sessionId: "" })]),
    TypeError,
  );
});

Deno.test("MemorySessionStore rejects bad shard IDs", async (t) => {
  const store = new MemorySessionStore();
  for (const shardId of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
    await t.step(`shardId=${shardId}`, async () => {
      await assert.rejects(store.load(shardId), RangeError);
      await assert.rejects(store.delete(shardId), RangeError);
    });
  }
  await assert.rejects(
    store.load(-1),
    {
      message:
        "Cannot load session as 'shardId' must be a non-negative integer: current value 'shardId=-1'",
    },
  );
});

Deno.test("DEFAULT_SESSION_MAX_AGE is two minutes", () => {
  assert.equal(DEFAULT_SESSION_MAX_AGE, 120_000);
});

Deno.test("isSessionUsable accepts only recent sessions of the same shard count", async (t) => {
  const savedAt = 1_000_000;
  const rows: Array<
    [
      name: string,
      saved: SavedSession,
      options: { shardCount: number; now: number; maxAge?: number },
      usable: boolean,
    ]
  > = [
    ["fresh", session(), { shardCount: 4, now: savedAt }, true],
    [
      "one minute old",
      session(),
      { shardCount: 4, now: savedAt + 60_000 },
      true,
    ],
    [
      "exactly the default age",
      session(),
      { shardCount: 4, now: savedAt + 120_000 },
      true,
    ],
    [
      "one ms over the default age",
      session(),
      { shardCount: 4, now: savedAt + 120_001 },
      false,
    ],
    [
      "an hour old",
      session(),
      { shardCount: 4, now: savedAt + 3_600_000 },
      false,
    ],
    [
      "resharded to more shards",
      session(),
      { shardCount: 8, now: savedAt },
      false,
    ],
    [
      "resharded to fewer shards",
      session({ shardId: 0, shardCount: 4 }),
      { shardCount: 2, now: savedAt },
      false,
    ],
    [
      "custom maxAge, inside",
      session(),
      { shardCount: 4, now: savedAt + 300_000, maxAge: 300_000 },
      true,
    ],
    [
      "custom maxAge, outside",
      session(),
      { shardCount: 4, now: savedAt + 30_001, maxAge: 30_000 },
      false,
    ],
    [
      "maxAge 0, same ms",
      session(),
      { shardCount: 4, now: savedAt, maxAge: 0 },
      true,
    ],
    [
      "saved a little in the future (clock skew)",
      session(),
      { shardCount: 4, now: savedAt - 5_000 },
      true,
    ],
    [
      "saved far in the future",
      session(),
      { shardCount: 4, now: savedAt - 120_001 },
      false,
    ],
    [
      "malformed: empty session ID",
      session({ sessionId: "" }),
      { shardCount: 4, now: savedAt },
      false,
    ],
    [
      "malformed: shard ID not below shard count",
      session({ shardId: 4 }),
      { shardCount: 4, now: savedAt },
      false,
    ],
    [
      "malformed: sequence not a number",
      session({ sequence: "10" as unknown as number }),
      { shardCount: 4, now: savedAt },
      false,
    ],
    [
      "malformed: savedAt NaN",
      session({ savedAt: NaN }),
      { shardCount: 4, now: savedAt },
      false,
    ],
  ];
  for (const [name, saved, options, usable] of rows) {
    await t.step(`${name} -> ${usable}`, () => {
      assert.equal(isSessionUsable(saved, options), usable);
    });
  }
});

Deno.test("isSessionUsable rejects bad options", async (t) => {
  const rows: Array<
    [
      options: { shardCount: number; now: number; maxAge?: number },
      message: string,
    ]
  > = [
    [
      { shardCount: 0, now: 0 },
      "Cannot check session as 'shardCount' must be a positive integer: current value 'shardCount=0'",
    ],
    [
      { shardCount: 1.5, now: 0 },
      "Cannot check session as 'shardCount' must be a positive integer: current value 'shardCount=1.5'",
    ],
    [
      { shardCount: 1, now: NaN },
      "Cannot check session as 'now' must be a finite number: current value 'now=NaN'",
    ],
    [
      { shardCount: 1, now: 0, maxAge: -1 },
      "Cannot check session as 'maxAge' must be a non-negative finite number: current value 'maxAge=-1'",
    ],
    [
      { shardCount: 1, now: 0, maxAge: Infinity },
      "Cannot check session as 'maxAge' must be a non-negative finite number: current value 'maxAge=Infinity'",
    ],
  ];
  for (const [options, message] of rows) {
    await t.step(JSON.stringify(options), () => {
      assert.throws(() => isSessionUsable(session(), options), {
        name: "RangeError",
        message,
      });
    });
  }
});

Deno.test("assertSavedSession checks every field", async (t) => {
  const rows: Array<[name: string, value: unknown, error: string]> = [
    ["null", null, "TypeError"],
    ["an array", [], "TypeError"],
    [
      "an array with a session's fields",
      Object.assign([], session()),
      "TypeError",
    ],
    ["a string", "session", "TypeError"],
    [
      "shardCount missing",
      { ...session(), shardCount: undefined },
      "TypeError",
    ],
    ["shardCount 0", session({ shardCount: 0 }), "RangeError"],
    ["shardCount 2.5", session({ shardCount: 2.5 }), "RangeError"],
    [
      "shardId a string",
      session({ shardId: "1" as unknown as number }),
      "TypeError",
    ],
    ["shardId -1", session({ shardId: -1 }), "RangeError"],
    ["shardId = shardCount", session({ shardId: 4 }), "RangeError"],
    ["sessionId empty", session({ sessionId: "" }), "TypeError"],
    [
      "sessionId a number",
      session({ sessionId: 5 as unknown as string }),
      "TypeError",
    ],
    [
      "sequence null",
      session({ sequence: null as unknown as number }),
      "TypeError",
    ],
    ["sequence -1", session({ sequence: -1 }), "RangeError"],
    ["sequence 1.5", session({ sequence: 1.5 }), "RangeError"],
    [
      "resumeUrl null",
      session({ resumeUrl: null as unknown as string }),
      "TypeError",
    ],
    [
      "savedAt a string",
      session({ savedAt: "now" as unknown as number }),
      "TypeError",
    ],
    ["savedAt Infinity", session({ savedAt: Infinity }), "RangeError"],
  ];
  for (const [name, value, error] of rows) {
    await t.step(`${name} -> ${error}`, () => {
      assert.throws(() => assertSavedSession(value), { name: error });
      assert.equal(isSavedSession(value), false);
    });
  }
  await t.step("well-formed sessions pass", () => {
    assertSavedSession(session());
    assertSavedSession(session({ resumeUrl: undefined, sequence: 0 }));
    assert.ok(isSavedSession({ ...session(), extra: true }));
  });
  await t.step("messages name the field and its value", () => {
    assert.throws(() => assertSavedSession(session({ shardId: 4 })), {
      message:
        "Cannot use session as 'shardId' must be an integer in [0, shardCount): current values 'shardId=4', 'shardCount=4'",
    });
    // Not told as a shard beyond the count: no shard count is one.
    assert.throws(() => assertSavedSession(session({ shardCount: 0 })), {
      message:
        "Cannot use session as 'shardCount' must be a positive integer: current value 'shardCount=0'",
    });
  });
});

/** One of each in-process session store (each closed by its test). */
async function everySessionStore(): Promise<SessionStore[]> {
  const kv = await Deno.openKv(":memory:");
  return [new MemorySessionStore(), new KvSessionStore(kv, { closeKv: true })];
}

Deno.test("Every session store refuses a save that is not an array with the same message", async () => {
  const stores = await everySessionStore();
  const messages: string[] = [];
  for (const store of stores) {
    const error = await store.save(7 as never).catch((error) => error);
    assert.ok(error instanceof TypeError);
    messages.push(error.message);
    await store.close?.();
  }
  assert.deepEqual(messages, [
    "Cannot save sessions as 'sessions' must be an array: current value '7'",
    "Cannot save sessions as 'sessions' must be an array: current value '7'",
  ]);
});

Deno.test("MemorySessionStore deletes many shards at once, or none when an ID is malformed", async () => {
  const store = new MemorySessionStore(
    [0, 1, 2, 3].map((shardId) => session({ shardId })),
  );
  await store.deleteMany([3, 1, 9]); // 9: nothing saved, no error
  assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [0, 2]);
  await assert.rejects(store.deleteMany([0, -1]), RangeError);
  await assert.rejects(store.deleteMany(7 as never), TypeError);
  assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [0, 2]);
  await store.deleteMany([]);
  assert.equal((await store.loadAll()).length, 2);
});

Deno.test("Every session store refuses a deleteMany that is not a list of shard IDs with the same message", async () => {
  const stores = await everySessionStore();
  const messages: string[] = [];
  for (const store of stores) {
    for (const bad of [7, [1.5]]) {
      const error = await store.deleteMany!(bad as never).catch((e) => e);
      messages.push(`${error.name}: ${error.message}`);
    }
    await store.close?.();
  }
  const expected = [
    "TypeError: Cannot delete sessions as 'shardIds' must be an array: current value '7'",
    "RangeError: Cannot delete sessions as 'shardId' must be a non-negative integer: current value 'shardId=1.5'",
  ];
  assert.deepEqual(messages, [...expected, ...expected]);
});
