/**
 * {@linkcode syncCommands}: register command definitions with Discord,
 * writing only when what Discord has differs.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { RestClient } from "../rest/rest_client.ts";
import type {
  ApplicationCommandBody,
  RestApplicationCommand,
} from "../rest/payloads.ts";
import type { Snowflake } from "../types/gateway_payloads.ts";
import { type CommandDefinition, commandPayload } from "./commands.ts";

const logger = getLogger(["disruption", "interactions", "sync"]);

/** Options for {@linkcode syncCommands}. */
export interface SyncCommandsOptions {
  /** The application; by default read from GET `/applications/@me`. */
  applicationId?: Snowflake;
  /** Register in this guild (instant) instead of globally. */
  guildId?: Snowflake;
  /** Cancels the requests. */
  signal?: AbortSignal;
}

/** What {@linkcode syncCommands} did. */
export interface SyncCommandsResult {
  /** Whether anything was written. */
  changed: boolean;
  /** The commands Discord has now. */
  commands: RestApplicationCommand[];
  /** Names added, changed and removed (empty when nothing changed). */
  added: string[];
  /** Names whose definition changed. */
  updated: string[];
  /** Names Discord had that are no longer defined. */
  removed: string[];
}

/**
 * Make Discord's commands (global, or one guild's) equal to `definitions`:
 * fetch what Discord has, compare, and send one bulk overwrite only when
 * something differs. Both outcomes are logged
 * (category `disruption.interactions.sync`).
 *
 * @param rest The REST client.
 * @param definitions Every command (commands not listed are removed).
 * @param options Application, guild and signal.
 * @returns What changed and the commands as Discord has them.
 * @throws {TypeError} When a command is defined twice.
 * @throws {RangeError} For more than 100 slash, 15 user or 15 message
 *   commands (Discord's limits per scope), before anything is sent.
 *
 * @example Sync twice: the second time writes nothing
 * ```ts
 * import { command, syncCommands } from "@disruption/disruption/interactions";
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * const ping = command({ name: "ping", description: "Ping" });
 * assert.equal((await syncCommands(rest, [ping])).changed, true);
 * assert.equal((await syncCommands(rest, [ping])).changed, false);
 * assert.equal(discord.requests.filter((r) => r.method === "PUT").length, 1);
 * ```
 */
export async function syncCommands(
  rest: RestClient,
  definitions: readonly CommandDefinition[],
  options: SyncCommandsOptions = {},
): Promise<SyncCommandsResult> {
  const desired = definitions.map(commandPayload);
  const seen = new Set<string>();
  for (const command of desired) {
    const key = `${command.type ?? 1}:${command.name}`;
    if (seen.has(key)) {
      throw new TypeError(
        `Cannot sync commands as '${command.name}' is defined twice`,
      );
    }
    seen.add(key);
  }
  for (const [type, max, what] of COMMAND_LIMITS) {
    const count = desired.filter((c) => (c.type ?? 1) === type).length;
    if (count > max) {
      throw new RangeError(
        `Cannot sync commands as an application can have at most ${max} ${what} commands per scope: current count '${count}'`,
      );
    }
  }
  const signal = options.signal ? { signal: options.signal } : {};
  const applicationId = options.applicationId ??
    (await rest.request<{ id: Snowflake }>(
      "GET",
      "/applications/@me",
      signal,
    )).id;
  const path = options.guildId === undefined
    ? `/applications/${applicationId}/commands`
    : `/applications/${applicationId}/guilds/${options.guildId}/commands`;
  const where = options.guildId === undefined
    ? "global"
    : `guild ${options.guildId}`;
  // Without `with_localizations` Discord leaves the localization maps out,
  // and every localized command would look changed.
  const existing = await rest.request<RestApplicationCommand[]>(
    "GET",
    `${path}?with_localizations=true`,
    signal,
  );
  const key = (c: ApplicationCommandBody): string => `${c.type ?? 1}:${c.name}`;
  const byKey = new Map(existing.map((c) => [key(c), c]));
  const added: string[] = [];
  const updated: string[] = [];
  for (const command of desired) {
    const old = byKey.get(key(command));
    if (!old) added.push(command.name);
    else if (!same(command, old)) updated.push(command.name);
    byKey.delete(key(command));
  }
  const removed = [...byKey.values()].map((c) => c.name);
  if (added.length + updated.length + removed.length === 0) {
    logger.info("{count} {where} commands are up to date; nothing written", {
      count: existing.length,
      where,
    });
    return { changed: false, commands: existing, added, updated, removed };
  }
  const commands = await rest.request<RestApplicationCommand[]>("PUT", path, {
    ...signal,
    body: desired,
  });
  logger.info(
    "Wrote {where} commands: added [{added}], changed [{updated}], removed [{removed}]",
    {
      where,
      added: added.join(", "),
      updated: updated.join(", "),
      removed: removed.join(", "),
    },
  );
  return { changed: true, commands, added, updated, removed };
}

/**
 * Whether Discord's stored value matches what we send: every field we send
 * must be equal, and every field we leave out must be at Discord's default
 * (absent, null, false or empty).
 */
function same(desired: unknown, stored: unknown, depth = 0): boolean {
  // A command's deepest field (command, group, subcommand, option, choices,
  // choice, its localizations, one of them) is 10 levels down; past 16
  // is no command of ours. (At 8, a choice in a group's subcommand always
  // differed, and every start rewrote the commands.)
  if (depth > 16) return false;
  if (Array.isArray(desired)) {
    if (!Array.isArray(stored) || stored.length !== desired.length) {
      return false;
    }
    return desired.every((item, i) => same(item, stored[i], depth + 1));
  }
  if (typeof desired === "object" && desired !== null) {
    if (typeof stored !== "object" || stored === null) return false;
    const want = desired as Record<string, unknown>;
    const have = stored as Record<string, unknown>;
    for (const [field, raw] of Object.entries(want)) {
      if (raw === undefined) continue;
      // Either side may hold an entry equal to the default; neither counts.
      const value = withoutDefault(want, field, raw);
      const stored = withoutDefault(have, field, have[field]);
      if (
        !same(value, stored, depth + 1) && !isDefault(field, value, stored)
      ) {
        return false;
      }
    }
    for (const [field, value] of Object.entries(have)) {
      if (field in want || SERVER_FIELDS.has(field)) continue;
      if (!isDefault(field, undefined, value)) return false;
    }
    return true;
  }
  return Object.is(desired, stored);
}

/**
 * A localization map without the entries equal to the default text:
 * Discord ignores those ("Any localized values that are identical to the
 * default will be ignored"), so they are not a difference.
 */
function withoutDefault(
  parent: Record<string, unknown>,
  field: string,
  value: unknown,
): unknown {
  const base = field === "name_localizations"
    ? parent.name
    : field === "description_localizations"
    ? parent.description
    : undefined;
  if (base === undefined || typeof value !== "object" || value === null) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).filter(([, text]) => text !== base),
  );
}

/** How many commands of each type one scope (global, or a guild) holds. */
const COMMAND_LIMITS: readonly [type: number, max: number, what: string][] = [
  [1, 100, "slash"],
  [2, 15, "user"],
  [3, 15, "message"],
];

/** Fields Discord adds that say nothing about the definition. */
const SERVER_FIELDS = new Set([
  "id",
  "application_id",
  "guild_id",
  "version",
  "dm_permission",
  "integration_types",
  "contexts",
  "handler",
]);

function isDefault(field: string, want: unknown, have: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || v === false || v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && Object.keys(v).length === 0);
  if (field === "type" && (want ?? 1) === (have ?? 1)) return true;
  return empty(want) && empty(have);
}
