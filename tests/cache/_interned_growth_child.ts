// Child of interned_growth_test.ts (run with --expose-gc): a member whose
// every GUILD_MEMBER_UPDATE names new role ids, and messages naming new
// mentioned roles, in a cache of one member and one channel's messages.
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
  members: [],
});
const author = user("5");
let next = 10n ** 18n;
// "big": role ids that are no snowflakes, 20 KB each (kept as sent, never
// interned); otherwise new snowflakes.
const big = Deno.args[0] === "big";
const id = (): string => big ? `${next++}`.padEnd(20_000, "x") : String(next++);
function round(): void {
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
