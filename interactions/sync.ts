/**
 * {@linkcode syncCommands}: register command definitions with Discord,
 * writing only when what Discord has differs.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  assertOptionsObject,
  assertSignalOption,
} from "../base/option_checks.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { checkSnowflake } from "../base/snowflake.ts";
import type { RestClient } from "../rest/rest_client.ts";
import type { ApplicationCommandBody } from "../rest/payloads.ts";
import type { ApplicationCommand } from "../types/objects/application_command.ts";
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { Application as ApplicationObject } from "../types/objects/application.ts";
import { parsePermissions } from "../types/permissions.ts";
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

/**
 * Every key of {@linkcode SyncCommandsOptions}: a misspelt `guildid` was
 * ignored, and the sync overwrote the global commands instead of the
 * guild's.
 */
const SYNC_OPTION_KEYS = optionKeys(
  {
    applicationId: true,
    guildId: true,
    signal: true,
  } satisfies Record<keyof SyncCommandsOptions, true>,
);

/** What {@linkcode syncCommands} did. */
export interface SyncCommandsResult {
  /** Whether anything was written. */
  changed: boolean;
  /** The commands Discord has now. */
  commands: ApplicationCommand[];
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
 * A field a definition leaves out counts as Discord's default: `contexts`
 * as none stored (null), `integrationTypes` as the application's
 * installation contexts (`[0]` unless its `integration_types_config` says
 * otherwise; read from GET `/applications/@me` when a global definition
 * leaves them out and Discord has the command, or, in a guild, when a
 * stored command is on another value). A stored value off that default is a change, and
 * the overwrite, which replaces each command whole, resets it.
 * `default_member_permissions` is sent and compared as Discord stores it
 * (`"0008"` as `"8"`). An Activity's Entry Point command (type 4), which definitions cannot
 * describe, is kept: sent back as stored, with its id (Discord refuses an
 * overwrite without it), and never in `removed`.
 *
 * @param rest The REST client.
 * @param definitions Every command (commands not listed are removed, an
 *   Entry Point command excepted).
 * @param options Application, guild and signal.
 * @returns What changed and the commands as Discord has them.
 * @throws {TypeError} When a command is defined twice, or `applicationId`
 *   or `guildId` is not a snowflake string (checked before anything is
 *   sent; the id `/applications/@me` answers, before it is used): they go
 *   into the request path, and `"2/../../../../applications/1"` would turn
 *   a guild sync into an overwrite of the global commands. Also when
 *   `options` is not an object or has a key that is none of its options
 *   (a misspelt `guildid` would sync the global commands; the message
 *   names the nearest), or `signal` is not an `AbortSignal`.
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
  // Before anything is sent: `null` failed as a property read, and a falsy
  // signal (`0`, `""`) was read as none.
  assertOptionsObject("sync commands", options);
  checkOptionKeys("sync commands", "", options, SYNC_OPTION_KEYS);
  assertSignalOption("sync commands", "signal", options.signal);
  // Compared in the form that goes over the wire: a translation map such as
  // `{ de: undefined }` (a missing translation, which JSON leaves out) is sent
  // as `{}`, which Discord may store and answer as `null`; compared as built it
  // looked like a change and every start rewrote the commands.
  // Permissions first: a bigint (`8n`) is one JSON cannot write.
  const desired = definitions
    .map((definition) => canonicalPermissions(commandPayload(definition)))
    .map((payload) => JSON.parse(JSON.stringify(payload)));
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
  // Both go into the path: checked before the first request.
  if (options.applicationId !== undefined) {
    checkId("applicationId", options.applicationId);
  }
  if (options.guildId !== undefined) checkId("guildId", options.guildId);
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  let application: Promise<Application> | undefined;
  const getApplication = (): Promise<Application> =>
    application ??= rest.request<Application>(
      "GET",
      "/applications/@me",
      signal,
    );
  const applicationId = options.applicationId ??
    checkId("applicationId", (await getApplication()).id);
  const path = options.guildId === undefined
    ? `/applications/${applicationId}/commands`
    : `/applications/${applicationId}/guilds/${options.guildId}/commands`;
  const where = options.guildId === undefined
    ? "global"
    : `guild ${options.guildId}`;
  // Without `with_localizations` Discord leaves the localization maps out,
  // and every localized command would look changed.
  const existing = await rest.request<ApplicationCommand[]>(
    "GET",
    `${path}?with_localizations=true`,
    signal,
  );
  const key = (c: ApplicationCommandBody): string => `${c.type ?? 1}:${c.name}`;
  const byKey = new Map(existing.map((c) => [key(c), c]));
  // A global definition without `integrationTypes` gets the application's
  // installation contexts, whatever the stored command has: one stored on
  // [0] in an app installable by users too would otherwise look up to date
  // after `integrationTypes: [0]` was removed. A guild command's are read
  // only when one stored is off the documented default (they apply to
  // global commands only).
  let integrationDefault = DEFAULT_INTEGRATION_TYPES;
  const needsDefault = desired.some((command) => {
    const old = byKey.get(key(command));
    if (command.integration_types !== undefined || old === undefined) {
      return false;
    }
    return options.guildId === undefined || !sameSet(
      old.integration_types ?? DEFAULT_INTEGRATION_TYPES,
      DEFAULT_INTEGRATION_TYPES,
    );
  });
  if (needsDefault) {
    integrationDefault = installationContexts(await getApplication());
  }
  const added: string[] = [];
  const updated: string[] = [];
  for (const command of desired) {
    const old = byKey.get(key(command));
    if (!old) added.push(command.name);
    else if (!same(command, old, integrationDefault)) {
      updated.push(command.name);
    }
    byKey.delete(key(command));
  }
  // An Activity's Entry Point command (type 4) is not a definition of
  // ours: Discord refuses a bulk overwrite that leaves it out (error
  // 50240), so it goes back as it is, with its id.
  const entryPoints = [...byKey.values()].filter((c) => c.type === 4);
  const removed = [...byKey.values()].filter((c) => c.type !== 4).map((c) =>
    c.name
  );
  if (added.length + updated.length + removed.length === 0) {
    logger.info("{count} {where} commands are up to date; nothing written", {
      count: existing.length,
      where,
    });
    return { changed: false, commands: existing, added, updated, removed };
  }
  // A bulk overwrite replaces each command whole: a field a definition
  // leaves out (`contexts`, `integration_types`) goes back to Discord's
  // default, so nothing needs sending to reset it.
  const commands = await rest.request<ApplicationCommand[]>("PUT", path, {
    ...signal,
    body: [...desired, ...entryPoints.map(asSent)],
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
 * Whether Discord's stored command matches what we send: every field we
 * send must be equal, and every field we leave out must be at Discord's
 * default (absent, null, false or empty; for `integration_types`, the
 * installation contexts a command without them gets).
 */
function same(
  desired: ApplicationCommandBody,
  stored: ApplicationCommand,
  integrationDefault: readonly number[],
): boolean {
  // Lists of contexts are sets: Discord need not keep their order. Left
  // out, `contexts` is stored as null and `integration_types` as the
  // default installation contexts.
  if (!sameSet(stored.contexts ?? null, desired.contexts ?? null)) {
    return false;
  }
  if (
    !sameSet(
      stored.integration_types ?? integrationDefault,
      desired.integration_types ?? integrationDefault,
    )
  ) return false;
  const { contexts: _c, integration_types: _i, ...rest } = desired;
  return sameValue(rest, stored, 0);
}

/**
 * Whether two lists hold the same numbers, in any order; `null` (and an
 * absent list) only matches `null`: a command without `contexts` is
 * stored with `null` (usable in guilds and the bot's DMs), which is not
 * the same as one listing all three contexts.
 */
function sameSet(
  have: readonly number[] | null,
  want: readonly number[] | null,
): boolean {
  if (have === null || want === null) return have === want;
  if (!Array.isArray(have)) return false;
  const sorted = (list: readonly number[]): string =>
    JSON.stringify([...new Set(list)].sort((a, b) => a - b));
  return sorted(have) === sorted(want);
}

/**
 * Whether Discord's stored value matches what we send: every field we send
 * must be equal, and every field we leave out must be at Discord's default
 * (absent, null, false or empty).
 */
function sameValue(desired: unknown, stored: unknown, depth: number): boolean {
  // A command's deepest field (command, group, subcommand, option, choices,
  // choice, its localizations, one of them) is 10 levels down; past 16
  // is no command of ours. (At 8, a choice in a group's subcommand always
  // differed, and every start rewrote the commands.)
  if (depth > 16) return false;
  if (Array.isArray(desired)) {
    if (!Array.isArray(stored) || stored.length !== desired.length) {
      return false;
    }
    return desired.every((item, i) => sameValue(item, stored[i], depth + 1));
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
        !sameValue(value, stored, depth + 1) &&
        !isDefault(field, value, stored)
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

/**
 * An id that goes into the request path, checked with the snowflake check
 * the REST routes use.
 *
 * @throws {TypeError} When it is not a snowflake string.
 */
function checkId(name: string, value: unknown): string {
  return checkSnowflake("sync commands", name, value);
}

/** How many commands of each type one scope (global, or a guild) holds. */
const COMMAND_LIMITS: readonly [type: number, max: number, what: string][] = [
  [1, 100, "slash"],
  [2, 15, "user"],
  [3, 15, "message"],
];

/**
 * Fields Discord adds that say nothing about the definition (`contexts`
 * and `integration_types` are compared by `same` itself), at every depth.
 * The deprecated `default_permission` is still returned, `true` by
 * default: counted, it rewrote every command on every start. The
 * read-only `name_localized` / `description_localized` (one locale's text,
 * in place of the maps, which sync reads instead) are never sent.
 */
const SERVER_FIELDS = new Set([
  "id",
  "application_id",
  "guild_id",
  "version",
  "dm_permission",
  "default_permission",
  "integration_types",
  "contexts",
  "handler",
  "name_localized",
  "description_localized",
]);

/**
 * The installation contexts of a command created without
 * `integration_types`, as documented: `[0]`, GUILD_INSTALL. Discord
 * actually gives such a command the application's configured contexts
 * (discord-api-docs#7396), so {@linkcode installationContexts} reads those
 * when a stored command is not on `[0]`.
 */
const DEFAULT_INTEGRATION_TYPES: readonly number[] = [0];

/** What `GET /applications/@me` says that sync uses. */
type Application = Pick<ApplicationObject, "id" | "integration_types_config">;

/**
 * The installation contexts an application is configured for (the keys of
 * its `integration_types_config`), or the documented default without
 * them.
 */
function installationContexts(application: Application): readonly number[] {
  const config = application.integration_types_config;
  const types = typeof config === "object" && config !== null
    ? Object.keys(config).filter((key) => /^\d+$/.test(key)).map(Number)
    : [];
  return types.length > 0 ? types : DEFAULT_INTEGRATION_TYPES;
}

/**
 * A command body with its `default_member_permissions` as Discord stores
 * them, a decimal string without leading zeros: a literal definition's
 * `"0008"` (or `8`, `8n`) goes out, and is compared, as the stored `"8"`,
 * else every start would see a change and overwrite the commands. A value
 * that is no bit set is left as it is (Discord refuses it).
 */
function canonicalPermissions(
  command: ApplicationCommandBody,
): ApplicationCommandBody {
  const permissions: unknown = command.default_member_permissions;
  let canonical: string | undefined;
  if (typeof permissions === "number") {
    if (Number.isSafeInteger(permissions) && permissions >= 0) {
      canonical = String(permissions);
    }
  } else if (
    typeof permissions === "string" || typeof permissions === "bigint"
  ) {
    try {
      canonical = String(parsePermissions(permissions));
    } catch {
      // Not a bit set: sent as given, for Discord to refuse.
    }
  }
  return canonical === undefined
    ? command
    : { ...command, default_member_permissions: canonical };
}

/** A stored command as a bulk overwrite takes it back: its id kept. */
function asSent(command: ApplicationCommand): ApplicationCommandBody {
  const { application_id: _a, guild_id: _g, version: _v, ...sent } = command;
  return sent;
}

function isDefault(field: string, want: unknown, have: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || v === false || v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && Object.keys(v).length === 0);
  if (field === "type" && (want ?? 1) === (have ?? 1)) return true;
  return empty(want) && empty(have);
}
