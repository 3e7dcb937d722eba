// A cached guild as a created one, for tests that read its fields: the
// getters also give READY's `{ id, unavailable: true }` placeholder, which
// has none (see CachedGuild).
import type { CachedGuild } from "../../cache/mod.ts";
import type { UnavailableGuildCreate } from "../../types/dispatch_payloads.ts";

/** `guild` when it was created (has a name); undefined for a placeholder. */
export function createdGuild(
  guild: CachedGuild | UnavailableGuildCreate | undefined,
): CachedGuild | undefined {
  return guild !== undefined && "name" in guild ? guild : undefined;
}
