/**
 * {@linkcode KvSessionStore}: saved sessions in Deno KV, the embedded durable
 * default for a bot that restarts on one machine.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  assertSavedSessions,
  assertShardId,
  copySession,
  isSavedSession,
  type SavedSession,
} from "./saved_session.ts";
import { assertShardIds, type SessionStore } from "./session_store.ts";
import { assertObjectOption, shownQuoted } from "../base/option_checks.ts";

const logger = getLogger(["disruption", "gateway", "session_store"]);

/**
 * Deno KV's limits for one atomic commit (checked against Deno 2.9): 1000
 * mutations, 81 920 bytes of encoded keys, 819 200 bytes of keys plus
 * serialized values. Key sizes are computed exactly; value sizes are an upper
 * bound, and the total keeps a 5 % margin on top.
 */
const MAX_MUTATIONS = 1000;
const MAX_KEY_BYTES = 81_920;
const MAX_TOTAL_BYTES = 819_200 * 0.95;

const encoder = new TextEncoder();

/** Options for {@linkcode KvSessionStore.open}. */
export interface KvSessionStoreOpenOptions {
  /**
   * The database file. Without it Deno picks its default database for the
   * script; `":memory:"` keeps the data in memory only.
   *
   * @default {undefined}
   */
  path?: string;
  /**
   * The key prefix; sessions live under `[...prefix, "session", shardId]`.
   * Give each bot sharing a database its own prefix.
   *
   * @default {["disruption"]}
   */
  prefix?: readonly string[];
}

/** Options for the {@linkcode KvSessionStore} constructor. */
export interface KvSessionStoreOptions {
  /**
   * The key prefix; sessions live under `[...prefix, "session", shardId]`.
   *
   * @default {["disruption"]}
   */
  prefix?: readonly string[];
  /**
   * Whether {@linkcode KvSessionStore.close} closes the database too.
   *
   * @default {false}
   */
  closeKv?: boolean;
}

/**
 * A {@linkcode SessionStore} on Deno KV. Sessions survive a process restart
 * when the database is a file.
 *
 * Deno KV is unstable: run with `--unstable-kv` (or `"unstable": ["kv"]` in
 * `deno.json`), and with `--allow-read --allow-write` for the database path.
 *
 * {@linkcode KvSessionStore.save} writes with atomic commits; a batch larger
 * than one commit allows (1000 mutations, and byte limits) is split into
 * several commits, each atomic. A crash between two commits leaves some
 * shards with the newer sessions and some with the older ones, each entry
 * whole.
 *
 * Stored values that are not well-formed sessions (written by something else
 * under the same prefix) are skipped when loading.
 *
 * @example Save and load in an in-memory database
 * ```ts
 * import { KvSessionStore } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * const store = await KvSessionStore.open({ path: ":memory:" });
 * try {
 *   await store.save([
 *     { shardId: 0, shardCount: 1, sessionId: "abc", sequence: 12, savedAt: 0 },
 *   ]);
 *   assert.equal((await store.load(0))?.sessionId, "abc");
 * } finally {
 *   store.close();
 * }
 * ```
 */
export class KvSessionStore implements SessionStore {
  readonly #kv: Deno.Kv;
  readonly #prefix: readonly string[];
  readonly #closeKv: boolean;
  #closed = false;

  /**
   * Open (or create) a database and a store on it; closing the store closes
   * the database.
   *
   * @param options The database path and the key prefix.
   * @returns The store.
   * @throws {TypeError} When `options` is not an object, `path` is not a
   * non-empty string or `prefix` is not an array of strings, or when Deno KV
   * is not enabled (run with `--unstable-kv`).
   */
  static async open(
    options: KvSessionStoreOpenOptions = {},
  ): Promise<KvSessionStore> {
    // null read as "Cannot read properties of null"; a `path` of null opened
    // Deno's default database instead of the one meant, and a number said
    // only "Filename cannot be empty".
    assertObjectOption("session store", "options", options);
    const path: unknown = options.path;
    if (path !== undefined && (typeof path !== "string" || path === "")) {
      throw new TypeError(
        `Cannot create session store as 'path' must be a non-empty string (a file, or ":memory:"): current value 'path=${
          shownQuoted(path)
        }'`,
      );
    }
    const prefix = checkPrefix(options.prefix);
    // Without the flag `Deno.openKv` is undefined, and calling it said only
    // "Deno.openKv is not a function".
    if (typeof Deno.openKv !== "function") {
      throw new TypeError(
        `Cannot open session store as Deno KV must be enabled: run with --unstable-kv (or set "unstable": ["kv"] in deno.json)`,
      );
    }
    const kv = await Deno.openKv(options.path);
    return new KvSessionStore(kv, { prefix, closeKv: true });
  }

  /**
   * Make a store on a database the application already has open. By default
   * closing the store leaves the database open.
   *
   * @param kv The database.
   * @param options The key prefix, and whether to close `kv` with the store.
   * @throws {TypeError} When `options` is not an object or `prefix` is not
   * an array of strings.
   */
  constructor(kv: Deno.Kv, options: KvSessionStoreOptions = {}) {
    // null read as "Cannot read properties of null", naming no option.
    assertObjectOption("session store", "options", options);
    this.#kv = kv;
    this.#prefix = checkPrefix(options.prefix);
    this.#closeKv = options.closeKv ?? false;
  }

  /** The key prefix. */
  get prefix(): readonly string[] {
    return this.#prefix;
  }

  /**
   * The saved session of one shard.
   *
   * @param shardId The shard.
   * @returns The session, or `undefined` when none (or no well-formed one) is
   * saved.
   * @throws {RangeError} When `shardId` is not a non-negative integer.
   * @throws {Error} When the store is closed.
   */
  async load(shardId: number): Promise<SavedSession | undefined> {
    this.#assertOpen("load session");
    assertShardId(shardId, "load session");
    const entry = await this.#kv.get(this.#key(shardId));
    if (entry.value === null) return undefined;
    return this.#fromStored(shardId, entry.value);
  }

  /**
   * Every saved session.
   *
   * @returns The well-formed sessions, ordered by shard ID.
   * @throws {Error} When the store is closed.
   */
  async loadAll(): Promise<SavedSession[]> {
    this.#assertOpen("load sessions");
    const sessions: SavedSession[] = [];
    for await (
      const entry of this.#kv.list({ prefix: [...this.#prefix, "session"] })
    ) {
      const shardId = entry.key[this.#prefix.length + 1];
      if (
        entry.key.length !== this.#prefix.length + 2 ||
        typeof shardId !== "number"
      ) continue;
      const session = this.#fromStored(shardId, entry.value);
      if (session) sessions.push(session);
    }
    // KV orders number key parts numerically already; sort anyway so the
    // order does not depend on the key encoding.
    return sessions.sort((a, b) => a.shardId - b.shardId);
  }

  /**
   * Save a batch of sessions in as few atomic commits as Deno KV allows.
   * Nothing is written when one of them is malformed; when a shard appears
   * twice the last one wins.
   *
   * @param sessions The sessions to save.
   * @returns A promise that resolves when every commit is done.
   * @throws {TypeError} When a session has a field of the wrong type.
   * @throws {RangeError} When a session has a number out of range.
   * @throws {Error} When the store is closed.
   */
  async save(sessions: SavedSession[]): Promise<void> {
    this.#assertOpen("save sessions");
    assertSavedSessions(sessions);
    const latest = new Map<number, SavedSession>();
    for (const session of sessions) {
      latest.set(session.shardId, copySession(session));
    }
    await this.#commitInBatches(
      [...latest.values()].map((session) => [
        this.#key(session.shardId),
        session,
      ]),
    );
  }

  /**
   * Forget one shard's session; nothing happens when none is saved.
   *
   * @param shardId The shard.
   * @returns A promise that resolves when it is gone.
   * @throws {RangeError} When `shardId` is not a non-negative integer.
   * @throws {Error} When the store is closed.
   */
  async delete(shardId: number): Promise<void> {
    this.#assertOpen("delete session");
    assertShardId(shardId, "delete session");
    await this.#kv.delete(this.#key(shardId));
  }

  /**
   * Forget several shards' sessions in as few atomic commits as Deno KV
   * allows (1000 deletions a commit, fewer for long prefixes); shards with
   * none saved are skipped. Nothing is deleted when one ID is malformed.
   *
   * @param shardIds The shards.
   * @returns A promise that resolves when every commit is done.
   * @throws {TypeError} When `shardIds` is not an array.
   * @throws {RangeError} When an ID is not a non-negative integer.
   * @throws {Error} When the store is closed.
   */
  async deleteMany(shardIds: readonly number[]): Promise<void> {
    this.#assertOpen("delete sessions");
    assertShardIds(shardIds, "delete sessions");
    await this.#commitInBatches(
      [...new Set(shardIds)].map((shardId) => [this.#key(shardId), undefined]),
    );
  }

  /**
   * Set (a session) or delete (`undefined`) each key, in order, in as few
   * atomic commits as Deno KV's limits allow: mutations, key bytes and
   * total bytes per commit (a deletion counts its key, no value).
   */
  async #commitInBatches(
    writes: readonly [Deno.KvKey, SavedSession | undefined][],
  ): Promise<void> {
    let atomic = this.#kv.atomic();
    let mutations = 0;
    let keyBytes = 0;
    let totalBytes = 0;
    for (const [key, session] of writes) {
      const keySize = encodedKeyBytes(key);
      const size = keySize +
        (session === undefined ? 0 : valueBytesBound(session));
      if (
        mutations > 0 &&
        (mutations + 1 > MAX_MUTATIONS || keyBytes + keySize > MAX_KEY_BYTES ||
          totalBytes + size > MAX_TOTAL_BYTES)
      ) {
        await commit(atomic);
        atomic = this.#kv.atomic();
        mutations = keyBytes = totalBytes = 0;
      }
      if (session === undefined) atomic.delete(key);
      else atomic.set(key, session);
      mutations++;
      keyBytes += keySize;
      totalBytes += size;
    }
    if (mutations > 0) await commit(atomic);
  }

  /**
   * Close the store, and the database when the store opened it (or was told
   * to close it). Calling it again does nothing.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closeKv) this.#kv.close();
  }

  /** Close the store, for `using store = await KvSessionStore.open()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #key(shardId: number): Deno.KvKey {
    // KV orders -0 and 0 as two keys: shard 0 had two sessions, and
    // delete(0) left the one saved as -0.
    return [...this.#prefix, "session", shardId || 0];
  }

  #assertOpen(action: string): void {
    if (this.#closed) {
      throw new Error(`Cannot ${action} as the store is closed`);
    }
  }

  #fromStored(shardId: number, value: unknown): SavedSession | undefined {
    if (!isSavedSession(value) || value.shardId !== shardId) {
      logger.warn(
        "Skipping a stored value that is not a session for shard {shardId}",
        { shardId },
      );
      return undefined;
    }
    return copySession(value);
  }
}

/**
 * Check the prefix option.
 *
 * @param prefix The option.
 * @returns The prefix to use.
 */
function checkPrefix(prefix: readonly string[] | undefined): readonly string[] {
  if (prefix === undefined) return ["disruption"];
  if (
    !Array.isArray(prefix) || !prefix.every((part) => typeof part === "string")
  ) {
    throw new TypeError(
      `Cannot create session store as 'prefix' must be an array of strings: current value 'prefix=${
        shownQuoted(prefix)
      }'`,
    );
  }
  return Object.freeze([...prefix]);
}

/**
 * A key's encoded size: a string is a tag byte, its UTF-8 bytes (each zero
 * byte escaped with one more) and a terminator; a number is a tag and eight
 * bytes.
 *
 * @param key The key.
 * @returns Bytes.
 */
function encodedKeyBytes(key: Deno.KvKey): number {
  let bytes = 0;
  for (const part of key) {
    if (typeof part === "string") {
      const utf8 = encoder.encode(part);
      bytes += 2 + utf8.length + utf8.filter((byte) => byte === 0).length;
    } else {
      bytes += 9;
    }
  }
  return bytes;
}

/**
 * An upper bound of a session's serialized size (V8 serialization as Deno KV
 * stores it): a fixed overhead, then per field its name, and either a number
 * (at most nine bytes) or a string (a tag, its length and one byte per UTF-16
 * unit, two when any unit is above U+00FF).
 *
 * @param session The stored session.
 * @returns Bytes.
 */
function valueBytesBound(session: SavedSession): number {
  let bytes = 32;
  for (const [name, value] of Object.entries(session)) {
    bytes += 4 + name.length;
    if (typeof value === "string") {
      // deno-lint-ignore no-control-regex
      const oneByte = /^[\u0000-\u00ff]*$/.test(value);
      bytes += 6 + value.length * (oneByte ? 1 : 2);
    } else {
      bytes += 9;
    }
  }
  return bytes;
}

/**
 * Commit an atomic operation that has no checks.
 *
 * @param atomic The operation.
 */
async function commit(atomic: Deno.AtomicOperation): Promise<void> {
  const result = await atomic.commit();
  // Without checks a commit either succeeds or throws; keep the guard in case.
  if (!result.ok) throw new Error("Cannot save sessions as the commit failed");
}
