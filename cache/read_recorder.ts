// What a reducer reads, recorded by running it against an empty state (see
// cacheReads in reduce.ts): its gets, and its lists, told apart by whether
// the values are read too. A list read for its ids only (READY's guilds) is
// an "ids" read, which a store answers without the values: Redis sent the
// JSON of every guild it held for each READY when it was an "all" read.
import type {
  CacheConfig,
  CacheKind,
  CacheLookup,
  CacheRead,
} from "./changes.ts";
import { Context } from "./reduce_context.ts";

/**
 * A reducer context over an empty state that records its reads. Ids read
 * through {@linkcode Context.ids} are an "ids" read; a list read through
 * {@linkcode Context.all} reaches the lookup's `ids` (then a `get` per id,
 * none here), and is an "all" read. So `all` must go on reading the
 * lookup, not `this.ids`: it would be recorded as ids only, and a store
 * would reduce without the values.
 */
class RecordingContext extends Context {
  readonly #listed: (kind: CacheKind, scope: string) => void;

  constructor(
    lookup: CacheLookup,
    config: CacheConfig,
    listed: (kind: CacheKind, scope: string) => void,
  ) {
    super(lookup, config);
    this.#listed = listed;
  }

  override ids(kind: CacheKind, scope: string): string[] {
    if (this.keeps(kind)) this.#listed(kind, scope);
    return [];
  }
}

/**
 * The reads `reduce` makes of its context, without duplicates: a list read
 * both for its ids and whole is one "all" read.
 *
 * @param config Which resources are kept.
 * @param reduce Reduces one dispatch against the context it is given.
 * @returns The reads.
 */
export function recordReads(
  config: CacheConfig,
  reduce: (context: Context) => void,
): CacheRead[] {
  const reads = new Map<string, CacheRead>();
  const list = (type: "all" | "ids", kind: CacheKind, scope: string): void => {
    const key = `l\0${kind}\0${scope}`;
    if (type === "all" || !reads.has(key)) {
      reads.set(key, { type, kind, scope });
    }
  };
  const lookup: CacheLookup = {
    get(kind, scope, id): undefined {
      reads.set(`g\0${kind}\0${scope}\0${id}`, {
        type: "get",
        kind,
        scope,
        id,
      });
      return undefined;
    },
    ids(kind, scope): string[] {
      list("all", kind, scope);
      return [];
    },
  };
  reduce(
    new RecordingContext(
      lookup,
      config,
      (kind, scope) => list("ids", kind, scope),
    ),
  );
  return [...reads.values()];
}
