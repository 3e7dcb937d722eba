// Odd option values (found by fuzzing the constructors) are refused with a
// message naming the option, not an internal error far from the mistake:
// a `scheduler` that is no Scheduler failed at the first timer ("scheduler
// .now is not a function"), a Symbol broke the message itself ("Cannot
// convert a Symbol value to a string"), `shardIds: 5` said "ids is not
// iterable", and a falsy `sessionStartLimit`, `session` or `caCerts` (NaN,
// 0, "", null) was read as "not set".
import assert from "node:assert/strict";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import { Shard } from "../../gateway/shard.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { createTcpWebSocketTransport } from "../../gateway/tcp_transport.ts";

/** A row: what is built, the expected error class and message pattern. */
type Case = [
  label: string,
  build: () => unknown,
  errorClass: typeof TypeError | typeof RangeError,
  message: RegExp,
];

const shard = { token: "t", intents: 0 };
const manager = { ...shard, shardCount: 1 };
/** The constructors only keep the database. */
const kv = {} as unknown as Deno.Kv;
const falsy = [NaN, 0, "", null] as const;

const cases: Case[] = [
  // A scheduler that is none.
  [
    "MemoryIdentifyQueue scheduler {}",
    () => new MemoryIdentifyQueue({ scheduler: {} as never }),
    TypeError,
    /^Cannot create identify queue as 'scheduler' must be a Scheduler \(now, setTimeout and clearTimeout functions\): current value 'scheduler=object'$/,
  ],
  [
    "ShardManager scheduler {}",
    () => new ShardManager({ ...manager, scheduler: {} as never }),
    TypeError,
    /^Cannot create shard manager as 'scheduler' must be a Scheduler \(now, setTimeout and clearTimeout functions\): current value 'scheduler=object'$/,
  ],
  // A Symbol shown in the message, not breaking it.
  ...(["maxConcurrency", "intervalMs"] as const).map((name): Case => [
    `MemoryIdentifyQueue ${name} Symbol`,
    () => new MemoryIdentifyQueue({ [name]: Symbol("s") as never }),
    RangeError,
    new RegExp(
      `^Cannot create identify queue as '${name}' must be .*: current value '${name}=Symbol\\(s\\)'$`,
    ),
  ]),
  ...(["shardId", "shardCount", "compress", "gatewayUrl", "timeouts"] as const)
    .map((name): Case => [
      `Shard ${name} Symbol`,
      () => new Shard({ ...shard, [name]: Symbol("s") as never }),
      name === "gatewayUrl" || name === "timeouts" ? TypeError : RangeError,
      new RegExp(
        `^Cannot create shard as '${name}' must be .*'${name}=Symbol\\(s\\)'`,
      ),
    ]),
  ...(["shardCount", "maxConcurrency", "sessionSaveInterval"] as const).map((
    name,
  ): Case => [
    `ShardManager ${name} Symbol`,
    () => new ShardManager({ ...manager, [name]: Symbol("s") as never }),
    RangeError,
    new RegExp(
      `^Cannot create shard manager as '${name}' must be .*: current value '${name}=Symbol\\(s\\)'$`,
    ),
  ]),
  // Internal errors where the option can be named.
  [
    "ShardManager shardIds 5",
    () => new ShardManager({ ...manager, shardIds: 5 as never }),
    TypeError,
    /^Cannot create shard manager as 'shardIds' must be an iterable of shard ids: current value 'shardIds=5'$/,
  ],
  [
    "ShardManager shardOptions {}",
    () => new ShardManager({ ...manager, shardOptions: {} as never }),
    TypeError,
    /^Cannot create shard manager as 'shardOptions' must be a function: current value 'shardOptions=object'$/,
  ],
  [
    "ShardManager undefined",
    () => new ShardManager(undefined as never),
    TypeError,
    /^Cannot create shard manager as 'options' must be an object: current value 'options=undefined'$/,
  ],
  [
    "KvSessionStore null",
    () => new KvSessionStore(kv, null as never),
    TypeError,
    /^Cannot create session store as 'options' must be an object: current value 'options=null'$/,
  ],
  [
    "createTcpWebSocketTransport null",
    () => createTcpWebSocketTransport(null as never),
    TypeError,
    /^Cannot create transport as 'options' must be an object: current value 'options=null'$/,
  ],
  // A caCerts entry that is no string is named, and bytes (a certificate
  // read with Deno.readFile) are told how to become the PEM text.
  [
    "createTcpWebSocketTransport caCerts [Uint8Array]",
    () =>
      createTcpWebSocketTransport({ caCerts: [new Uint8Array(1)] as never }),
    TypeError,
    /^Cannot create transport as 'caCerts' must be an array of PEM strings: current value 'caCerts\[0\]=Uint8Array' \(pass the PEM text: new TextDecoder\(\)\.decode\(bytes\), or Deno\.readTextFile\)$/,
  ],
  ...([
    ["[1]", [1]],
    ["[null]", [null]],
    ['["pem", undefined]', ["pem", undefined]],
    // every() skips a hole, which reached startTls as undefined.
    ["with a hole", new Array(1)],
  ] as const).map(([label, caCerts]): Case => [
    `createTcpWebSocketTransport caCerts ${label}`,
    () => createTcpWebSocketTransport({ caCerts: caCerts as never }),
    TypeError,
    new RegExp(
      `^Cannot create transport as 'caCerts' must be an array of PEM strings: current value 'caCerts\\[${
        caCerts.length - 1
      }\\]=${String(caCerts.at(-1))}'$`,
    ),
  ]),
  // Falsy garbage is not "not set".
  ...falsy.flatMap((value): Case[] => [
    [
      `MemoryIdentifyQueue sessionStartLimit ${String(value)}`,
      () => new MemoryIdentifyQueue({ sessionStartLimit: value as never }),
      TypeError,
      /^Cannot create identify queue as 'sessionStartLimit' must be an object/,
    ],
    [
      `ShardManager sessionStartLimit ${String(value)}`,
      () => new ShardManager({ ...manager, sessionStartLimit: value as never }),
      TypeError,
      /^Cannot create shard manager as 'sessionStartLimit' must be an object/,
    ],
    [
      `Shard session ${String(value)}`,
      () => new Shard({ ...shard, session: value as never }),
      TypeError,
      /^Cannot restore a session as 'session' must be an object with sessionId and sequence: current value 'session=/,
    ],
    [
      `createTcpWebSocketTransport caCerts ${String(value)}`,
      () => createTcpWebSocketTransport({ caCerts: value as never }),
      TypeError,
      /^Cannot create transport as 'caCerts' must be an array of PEM strings/,
    ],
  ]),
];

for (const [label, build, errorClass, message] of cases) {
  Deno.test(`odd options: ${label} is refused naming the option`, () => {
    assert.throws(build, (error: unknown) => {
      assert.ok(
        error instanceof errorClass,
        `expected a ${errorClass.name}, got ${String(error)}`,
      );
      assert.match((error as Error).message, message);
      return true;
    });
  });
}

Deno.test("odd options: KvSessionStore.open refuses a null options object and a path that names no database, before opening one", async () => {
  // A null `path` opened Deno's default database instead of the one meant.
  const odd: [unknown, RegExp][] = [
    [
      null,
      /^Cannot create session store as 'options' must be an object: current value 'options=null'$/,
    ],
    [
      { path: null },
      /^Cannot create session store as 'path' must be a non-empty string \(a file, or ":memory:"\): current value 'path=null'$/,
    ],
    [{ path: 5 }, /'path=5'$/],
    [{ path: "" }, /'path=""'$/],
    [
      { prefix: [Symbol("p")] },
      /^Cannot create session store as 'prefix' must be an array of strings/,
    ],
  ];
  for (const [options, message] of odd) {
    await assert.rejects(
      () => KvSessionStore.open(options as never),
      (error: unknown) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

Deno.test("odd options: an empty sessionStartLimit object still names its fields", () => {
  assert.throws(
    () => new MemoryIdentifyQueue({ sessionStartLimit: {} as never }),
    {
      name: "RangeError",
      message:
        "Cannot update session start limit as 'total' must be a non-negative integer: current value 'total=undefined'",
    },
  );
});

Deno.test("odd options: shardIds may be any iterable of ids", () => {
  const built = new ShardManager({
    ...manager,
    shardCount: 3,
    shardIds: new Set([2, 0]) as never,
  });
  assert.deepEqual([...built.shards.keys()].sort(), [0, 2]);
});

Deno.test("a number given as a string (an environment variable read as is) is shown quoted, not as the valid value it looks like", () => {
  const cases: [() => unknown, RegExp][] = [
    [
      () => new Shard({ ...shard, shardId: "1" as never, shardCount: 2 }),
      /'shardId="1"'/,
    ],
    [
      () => new ShardManager({ ...shard, shardCount: "2" as never }),
      /'shardCount="2"'/,
    ],
    [
      () => new MemoryIdentifyQueue({ maxConcurrency: "16" as never }),
      /'maxConcurrency="16"'/,
    ],
  ];
  for (const [make, message] of cases) assert.throws(make, { message });
});
