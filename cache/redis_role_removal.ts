// Deleted roles taken out of the cached members of their guilds in Redis, a
// chunk of members a script (see redis_chunks.ts).
import type { RedisConnection } from "../redis/connection.ts";
import type { CacheChange, CachedValue } from "./changes.ts";
import { CHUNK, forEachChunk } from "./redis_chunks.ts";
import { REMOVE_ROLE } from "./redis_scripts.ts";

/** Members one script reads at most (see {@linkcode CHUNK}). */
export const ROLE_REMOVAL_CHUNK = CHUNK;

/**
 * A deleted role, taken out of its guild's members between the writes of
 * its batch before it and those after it.
 */
export type RoleRemoval = Extract<CacheChange, { op: "remove_role" }>;

/**
 * Take a role out of the role lists of its guild's members: the guild's
 * member keys are scanned from `guild_keys:G` a chunk at a time, and each
 * chunk is edited by one script.
 *
 * @param redis The connection.
 * @param removal The role (`id`) and its guild (`scope`).
 * @returns When every member is done; rejects with Redis's error.
 */
export function removeRole(
  redis: RedisConnection,
  removal: RoleRemoval,
): Promise<void> {
  const { scope, id } = removal;
  return forEachChunk(
    redis,
    `guild_keys:${scope}`,
    REMOVE_ROLE,
    [id],
    `member:${scope}:*`,
  );
}

/**
 * A member with its `roles` (when it has them) as its first field: a role's
 * deletion edits the list as text, and finds the member's own list first
 * (see REMOVE_ROLE), not one nested in a field kept as sent.
 */
export function rolesFirst(member: CachedValue): CachedValue {
  if (!("roles" in member)) return member;
  for (const first in member) {
    if (first === "roles") return member;
    break;
  }
  const { roles, ...rest } = member;
  return { roles, ...rest };
}
