// Child of interned_growth_test.ts (run with --expose-gc): a member whose
// every GUILD_MEMBER_UPDATE names new role ids, and messages naming new
// mentioned roles, in a cache of one member and one channel's messages;
// or ("guilds") guilds joined and left.
// Prints the heap growth in MB after a full collection.
import { MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const cache = new MemoryCache();
cache.apply("GUILD_CREATE", {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "general" }],
  roles: [],
  // Held, so that its updates are applied (one of a member the cache does
  // not hold is not: a partial member adds none).
  members: [{ user: user("5"), roles: [], joined_at: null }],
});
const author = user("5");
let next = 10n ** 18n;
// "big": role ids that are no snowflakes, 20 KB each (kept as sent, never
// interned); otherwise new snowflakes.
const big = Deno.args[0] === "big";
// "guilds": guilds joined and left instead, each with a member holding one
// of its roles (what the store counts per guild and role must go with it).
const guilds = Deno.args[0] === "guilds";
const id = (): string => big ? `${next++}`.padEnd(20_000, "x") : String(next++);
function joinAndLeave(): void {
  const guildId = id();
  const roleId = id();
  cache.apply("GUILD_CREATE", {
    id: guildId,
    name: "g",
    channels: [],
    roles: [{ id: roleId, name: "r" }],
    members: [{ user: author, roles: [roleId], joined_at: null }],
  });
  cache.apply("GUILD_DELETE", { id: guildId });
}
function round(): void {
  if (guilds) {
    for (let i = 0; i < 100_000; i++) joinAndLeave();
    return;
  }
  for (let i = 0; i < (big ? 1_000 : 100_000); i++) {
    cache.apply("GUILD_MEMBER_UPDATE", {
      guild_id: "1",
      user: author,
      roles: [id(), id()],
      joined_at: null,
    });
    cache.apply("GUILD_MEMBER_UPDATE", {
      guild_id: "1",
      user: author,
      roles: [id()],
      joined_at: null,
    });
    cache.apply("MESSAGE_CREATE", {
      id: id(),
      channel_id: "2",
      guild_id: "1",
      author,
      content: "x",
      mention_roles: [id()],
    });
  }
}
// The first round warms up (code, maps at their working size).
round();
gc();
const before = Deno.memoryUsage().heapUsed;
round();
round();
gc();
const growth = (Deno.memoryUsage().heapUsed - before) / 1e6;
await Deno.stdout.write(new TextEncoder().encode(`${growth}\n`));
