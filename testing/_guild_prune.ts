/**
 * The REST fake's guild prune (GET and POST `/guilds/{id}/prune`): which
 * request Discord accepts, and which members a prune removes. Private to
 * the test kit.
 *
 * The fake keeps no activity, so it takes every member as inactive for any
 * `days`: a prune counts (and, for POST, removes) each member whose roles
 * are all among `include_roles` (none, by default, as Discord spares members
 * with roles), except the guild's owner, whom Discord never kicks, and the
 * bot itself (on Discord its integration role spares it; the fake gives it
 * none).
 *
 * @module
 */

/** A checked prune request. */
export interface PruneRequest {
  /** Days of inactivity (1-30). */
  days: number;
  /** Roles a pruned member may have. */
  includeRoles: ReadonlySet<string>;
  /** Whether the answer carries the count (`pruned: null` otherwise). */
  computeCount: boolean;
}

/** An Invalid Form Body entry: the field and its error. */
export interface PruneFieldError {
  /** The field. */
  field: string;
  /** Discord's error code. */
  code: string;
  /** Discord's message. */
  message: string;
}

/** The member fields a prune looks at. */
export interface PruneMember {
  /** The user. */
  user: { id: string };
  /** Role IDs. */
  roles: readonly string[];
}

const SNOWFLAKE = /^\d{1,20}$/;

/**
 * Check a prune request as Discord does.
 *
 * @param source `days`, `include_roles` and `compute_prune_count` as sent:
 *   strings from GET's query (`include_roles` comma-delimited), JSON values
 *   from POST's body (`include_roles` an array).
 * @returns The request, or the field it fails on.
 */
export function pruneRequest(
  source: { days: unknown; includeRoles: unknown; computeCount: unknown },
): PruneRequest | PruneFieldError {
  const raw = source.days ?? 7;
  const days = typeof raw === "string" && /^-?\d+$/.test(raw)
    ? Number(raw)
    : raw;
  if (typeof days !== "number" || !Number.isInteger(days)) {
    return {
      field: "days",
      code: "NUMBER_TYPE_COERCE",
      message: `Value "${String(raw)}" is not int.`,
    };
  }
  if (days < 1) {
    return {
      field: "days",
      code: "NUMBER_TYPE_MIN",
      message: "int value should be greater than or equal to 1.",
    };
  }
  if (days > 30) {
    return {
      field: "days",
      code: "NUMBER_TYPE_MAX",
      message: "int value should be less than or equal to 30.",
    };
  }
  const roles = typeof source.includeRoles === "string"
    ? source.includeRoles.split(",").filter((id) => id !== "")
    : source.includeRoles ?? [];
  if (
    !Array.isArray(roles) ||
    !roles.every((id) => typeof id === "string" && SNOWFLAKE.test(id))
  ) {
    return {
      field: "include_roles",
      code: "NUMBER_TYPE_COERCE",
      message: "Value is not snowflake.",
    };
  }
  const compute = source.computeCount ?? true;
  if (typeof compute !== "boolean") {
    return {
      field: "compute_prune_count",
      code: "BASE_TYPE_BOOLEAN",
      message: "Must be either true or false.",
    };
  }
  return {
    days,
    includeRoles: new Set(roles as string[]),
    computeCount: compute,
  };
}

/**
 * The members a prune removes (see the module notes for the fake's rule).
 *
 * @param members The guild's members.
 * @param request The checked request.
 * @param spared Users never pruned (the guild's owner, the bot).
 * @returns Their user IDs.
 */
export function prunedMembers(
  members: Iterable<PruneMember>,
  request: PruneRequest,
  spared: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const member of members) {
    if (spared.has(member.user.id)) continue;
    if (member.roles.every((id) => request.includeRoles.has(id))) {
      out.push(member.user.id);
    }
  }
  return out;
}
