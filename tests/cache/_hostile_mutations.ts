// Hostile variants of valid dispatches for the stores' differential test:
// up to five values anywhere in a payload (four levels deep, ids and the
// fields that address an entity included) replaced by what a hostile
// gateway's JSON may hold there, or removed, and now and then the payload
// sent under another event's name. Left alone: users (a member's `user`, a
// message's `author` and `mentions`, a DM's `recipients`), which the two
// stores keep differently by design (README, "Cache": Redis keeps each
// holder's copy as written, memory one latest copy), and `-0` and numbers
// past a double, which JSON turns into `0` and `null` in Redis. For the
// same reason a payload with a partial user keeps its own event's name.
import type { Dispatch } from "./_event_sequences.ts";

/** JSON a hostile gateway may put anywhere, each parsed afresh per use. */
const HOSTILE_JSON: readonly string[] = [
  "null",
  "0",
  "-1",
  "1.5",
  "9007199254740993",
  "12345678901234567890123",
  '""',
  '"x"',
  '"1:2"',
  '"01"',
  '"99999999999999999999999"',
  '"__proto__"',
  '"2021-01-01T00:00:00+00:00"',
  '"9999-99-99T99:99:99.999999+00:00"',
  "true",
  "[]",
  "[null]",
  "[1,2]",
  "[[[]]]",
  '[{"id":"5002"}]',
  "{}",
  '{"id":"1"}',
  '{"__proto__":{"polluted":1}}',
  '{"toString":1}',
];

const USER_FIELDS = new Set(["user", "author", "mentions", "recipients"]);

type Path = (string | number)[];

/** Every path into `value`, at most four keys long. */
function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (typeof value !== "object" || value === null) return out;
  for (const [key, inner] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    if (path.length < 4) paths(inner, path, out);
  }
  return out;
}

/**
 * A hostile copy of `dispatch`: its payload with up to five values replaced
 * or removed, and one time in ten the name of another of `names`.
 */
export function hostileVariant(
  [event, data]: Dispatch,
  random: () => number,
  names: readonly string[],
): Dispatch {
  const copy = structuredClone(data);
  const all = paths(copy);
  const count = random() < 0.4 ? 0 : 1 + Math.floor(random() * 5);
  for (let i = 0; i < count && all.length > 0; i++) {
    const path = all[Math.floor(random() * all.length)]!;
    if (path.some((key) => USER_FIELDS.has(key as string))) continue;
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) {
      parent = (parent as Record<string | number, unknown> | undefined)?.[key];
    }
    if (typeof parent !== "object" || parent === null) continue;
    const key = path.at(-1)!;
    // A field of an object an earlier replacement made an array: a named
    // property on an array, which no gateway's JSON can hold.
    if (Array.isArray(parent) && typeof key !== "number") continue;
    if (random() < 0.2) {
      // Removed: an array closes up (JSON has no holes).
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key];
    } else {
      (parent as Record<string | number, unknown>)[key] = JSON.parse(
        HOSTILE_JSON[Math.floor(random() * HOSTILE_JSON.length)]!,
      );
    }
  }
  let renamed = random() < 0.1
    ? names[Math.floor(random() * names.length)]!
    : event;
  // Under another name, a presence's partial user (its id and the fields
  // that changed) becomes a member's whole user: a user difference too.
  if (renamed !== event && hasPartialUser(copy)) renamed = event;
  return [renamed, copy];
}

/** Whether the payload's `user` is a user object without its username. */
function hasPartialUser(data: unknown): boolean {
  const user = (data as { user?: unknown } | null)?.user;
  return typeof user === "object" && user !== null && !("username" in user);
}
