// How many of a guild's cached members hold each role, so that deleting a
// role no member holds (most deleted roles, and every role a hostile gateway
// makes up) costs a lookup rather than a scan of every member: a guild of
// 200,000 members took ~5 ms a delete. Kept where members are set and
// removed; a member whose role list did not change costs a compare of it.

/** Role id -> holders, per guild id. */
export class RoleHolders {
  readonly #guilds = new Map<string, Map<string, number>>();

  /**
   * A member of guild `guildId` went from role list `before` to `after`
   * (either `undefined` when the member is not cached, or not a list: a
   * hostile payload's roles, which no role removal reads).
   */
  replace(guildId: string, before: unknown, after: unknown): void {
    if (sameList(before, after)) return;
    let counts = this.#guilds.get(guildId);
    if (Array.isArray(before) && counts !== undefined) {
      for (const role of before) {
        const n = counts.get(role)! - 1;
        if (n > 0) counts.set(role, n);
        else counts.delete(role);
      }
      if (counts.size === 0) this.#guilds.delete(guildId);
    }
    if (!Array.isArray(after) || after.length === 0) return;
    counts = this.#guilds.get(guildId);
    if (counts === undefined) this.#guilds.set(guildId, counts = new Map());
    for (const role of after) counts.set(role, (counts.get(role) ?? 0) + 1);
  }

  /**
   * Role `roleId` was taken from every member of guild `guildId`.
   *
   * @returns Whether any member held it (else there is nothing to take).
   */
  removeRole(guildId: string, roleId: string): boolean {
    const counts = this.#guilds.get(guildId);
    if (counts === undefined || !counts.delete(roleId)) return false;
    if (counts.size === 0) this.#guilds.delete(guildId);
    return true;
  }

  /** Guild `guildId` left the cache with its members. */
  removeGuild(guildId: string): void {
    this.#guilds.delete(guildId);
  }

  /** Forget everything. */
  clear(): void {
    this.#guilds.clear();
  }
}

/** Whether two role lists are the same list (interned, or equal in order). */
function sameList(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
