/**
 * Guild routes: get, preview, modify, channels and their positions, invites,
 * incident actions.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type AuditedRouteOptions,
  auditedRouteOptions,
  type RouteOptions,
  routeOptions,
  snowflake,
} from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Guild, IncidentsData } from "../../types/objects/guild.ts";
import type {
  Channel,
  DefaultReaction,
  ForumTag,
  Overwrite,
} from "../../types/objects/channel.ts";
import type { Emoji } from "../../types/objects/emoji.ts";
import type { Sticker } from "../../types/objects/sticker.ts";
import type { InviteWithMetadata } from "../../types/objects/invite.ts";
import { parseIsoTimestamp } from "../../base/iso_timestamp.ts";
import { assertOptionsObject, shownQuoted } from "../../base/option_checks.ts";
import { optionKeys } from "../../base/option_keys.ts";
import { checkNumbers, GUILD_CHANNEL_NUMBERS, plainCopy } from "./_numbers.ts";
import { CLOCK_TOLERANCE, routeClock } from "./_clock.ts";
/** Answer of {@linkcode getGuildPreview}. */
export interface GuildPreview {
  /** Guild ID. */
  id: Snowflake;
  /** Name. */
  name: string;
  /** Icon hash. */
  icon: string | null;
  /** Splash hash. */
  splash: string | null;
  /** Discovery splash hash. */
  discovery_splash: string | null;
  /** Custom emojis. */
  emojis: Emoji[];
  /** Enabled features. */
  features: string[];
  /** Approximate member count. */
  approximate_member_count: number;
  /** Approximate online member count. */
  approximate_presence_count: number;
  /** Description. */
  description: string | null;
  /** Custom stickers. */
  stickers: Sticker[];
}

/** Body of {@linkcode modifyGuild} (every field optional). */
export interface ModifyGuildBody {
  /** Name. */
  name?: string;
  /** Voice region id (deprecated). */
  region?: string | null;
  /** Verification level 0-4. */
  verification_level?: number | null;
  /** Default notification level (0 all, 1 mentions). */
  default_message_notifications?: number | null;
  /** Explicit content filter level 0-2. */
  explicit_content_filter?: number | null;
  /** AFK channel. */
  afk_channel_id?: Snowflake | null;
  /** AFK timeout in seconds. */
  afk_timeout?: number;
  /** Icon as a data URI. */
  icon?: string | null;
  /** Invite splash as a data URI (16:9 png/jpeg; needs the INVITE_SPLASH feature). */
  splash?: string | null;
  /** Discovery splash as a data URI (16:9 png/jpeg; needs the DISCOVERABLE feature). */
  discovery_splash?: string | null;
  /** Banner as a data URI (16:9 png/jpeg; needs the BANNER feature, a gif ANIMATED_BANNER). */
  banner?: string | null;
  /** System channel. */
  system_channel_id?: Snowflake | null;
  /** System channel flags. */
  system_channel_flags?: number;
  /** Rules channel. */
  rules_channel_id?: Snowflake | null;
  /** Community updates channel. */
  public_updates_channel_id?: Snowflake | null;
  /** Preferred locale. */
  preferred_locale?: string | null;
  /** Enabled features. */
  features?: string[];
  /** Description. */
  description?: string | null;
  /** Whether the guild's boost progress bar is shown. */
  premium_progress_bar_enabled?: boolean;
  /** Community guilds: where admins and moderators receive safety alerts from Discord. */
  safety_alerts_channel_id?: Snowflake | null;
}

/** Body of {@linkcode createGuildChannel}. */
export interface CreateGuildChannelBody {
  /** Name (1-100 characters). */
  name: string;
  /** Channel type (0 text by default). */
  type?: number;
  /** Topic. */
  topic?: string | null;
  /** Voice bitrate, in bits per second (at least 8000). */
  bitrate?: number | null;
  /** Voice user limit. */
  user_limit?: number | null;
  /** Slow mode in seconds (0-21600). */
  rate_limit_per_user?: number | null;
  /** Sorting position. */
  position?: number | null;
  /** Permission overwrites. */
  permission_overwrites?: Partial<Overwrite>[] | null;
  /** Parent category. */
  parent_id?: Snowflake | null;
  /** Age-restricted. */
  nsfw?: boolean | null;
  /** Default archive duration of new threads, in minutes (60, 1440, 4320, 10080). */
  default_auto_archive_duration?: number | null;
  /** Voice and stage: voice region id, `null` for automatic. */
  rtc_region?: string | null;
  /** Voice and stage: the camera video quality mode (1 auto, 2 full). */
  video_quality_mode?: 1 | 2 | null;
  /**
   * Forum and media: the emoji of a post's add reaction button (exactly
   * one of `emoji_id` and `emoji_name`).
   */
  default_reaction_emoji?: Partial<DefaultReaction> | null;
  /** Forum and media: the tags threads may have (20 at most; each needs only `name`). */
  available_tags?: (Partial<ForumTag> & Pick<ForumTag, "name">)[] | null;
  /** Forum and media: the default sort order of posts (0 latest activity, 1 creation date). */
  default_sort_order?: 0 | 1 | null;
  /** Forum: the default layout of posts (0 not set, 1 list, 2 gallery). */
  default_forum_layout?: 0 | 1 | 2 | null;
  /** The initial `rate_limit_per_user` of new threads, copied at their creation. */
  default_thread_rate_limit_per_user?: number | null;
  /** Channel flags. */
  flags?: number | null;
}

/**
 * Body of {@linkcode modifyGuildIncidentActions}: each field an ISO 8601
 * timestamp at most 24 hours ahead, `null` to end the action, or left out
 * to keep it as it is.
 */
export interface ModifyGuildIncidentActionsBody {
  /** Until when invites are disabled (24 hours ahead at most; `null` enables them). */
  invites_disabled_until: string | null;
  /** Until when direct messages are disabled (24 hours ahead at most; `null` enables them). */
  dms_disabled_until: string | null;
}

/** Options of {@linkcode modifyGuildIncidentActions}. */
export interface ModifyGuildIncidentActionsOptions extends RouteOptions {
  /**
   * The current time in Unix milliseconds, which the 24-hour limit is
   * checked against (`Date.now()` through the real scheduler by default):
   * a test's virtual clock, or a clock corrected to Discord's.
   */
  now?: () => number;
}

/**
 * How far ahead of Discord's 24 hours a timestamp may be before it is
 * refused: the bot's clock may be behind Discord's, and a timestamp built
 * as "now + 24 hours" reaches Discord later than it was built. Only a time
 * past the limit by more than this is known to be refused.
 */
export const INCIDENT_ACTION_CLOCK_TOLERANCE: number = CLOCK_TOLERANCE;

/** The longest an incident action may last, in milliseconds (24 hours). */
export const MAX_INCIDENT_ACTION_DURATION = 24 * 60 * 60 * 1000;

/** The options of {@linkcode modifyGuildIncidentActions} beside the call options. */
const INCIDENT_ACTIONS_OWN_KEYS = optionKeys(
  { now: true } satisfies Record<
    Exclude<keyof ModifyGuildIncidentActionsOptions, keyof RouteOptions>,
    true
  >,
);

/** One entry of {@linkcode modifyGuildChannelPositions}. */
export interface ChannelPosition {
  /** The channel. */
  id: Snowflake;
  /** New position. */
  position?: number | null;
  /** Sync permissions with the new parent. */
  lock_permissions?: boolean | null;
  /** New parent category. */
  parent_id?: Snowflake | null;
  /** Channel flags. */
  flags?: number | null;
}

/**
 * Get a guild (`GET /guilds/{guildId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuild(
  rest: RestClient,
  guildId: Snowflake,
  query: { with_counts?: boolean } = {},
  options: RouteOptions = {},
): Promise<Guild> {
  return await rest.request<Guild>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Get a guild's public preview (`GET /guilds/{guildId}/preview`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildPreview(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildPreview> {
  return await rest.request<GuildPreview>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/preview`,
    routeOptions(options),
  );
}

/**
 * Change a guild's settings (`PATCH /guilds/{guildId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `afk_timeout` is not a number, before anything is
 *   sent.
 * @throws {RangeError} When `afk_timeout` is not 60, 300, 900, 1800 or 3600
 *   (the docs' "afk timeout in seconds, can be set to: 60, 300, 900, 1800,
 *   3600"), before anything is sent.
 */
export async function modifyGuild(
  rest: RestClient,
  guildId: Snowflake,
  body: ModifyGuildBody,
  options: AuditedRouteOptions = {},
): Promise<Guild> {
  body = checkNumbers("modify guild", body, {
    afk_timeout: { values: [60, 300, 900, 1800, 3600] },
  });
  return await rest.request<Guild>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * List a guild's channels (not threads) (`GET /guilds/{guildId}/channels`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildChannels(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Channel[]> {
  return await rest.request<Channel[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/channels`,
    routeOptions(options),
  );
}

/**
 * Create a channel (`POST /guilds/{guildId}/channels`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `bitrate`, `rate_limit_per_user` or
 *   `default_auto_archive_duration` is neither a number nor `null`, before
 *   anything is sent.
 * @throws {RangeError} When `bitrate` is below 8000 ("min 8000"),
 *   `rate_limit_per_user` not an integer from 0 to 21600, or
 *   `default_auto_archive_duration` not 60, 1440, 4320 or 10080, before
 *   anything is sent. (The docs give `user_limit` no range on this route.)
 */
export async function createGuildChannel(
  rest: RestClient,
  guildId: Snowflake,
  body: CreateGuildChannelBody,
  options: AuditedRouteOptions = {},
): Promise<Channel> {
  body = checkNumbers("create guild channel", body, GUILD_CHANNEL_NUMBERS);
  return await rest.request<Channel>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/channels`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Move channels (`PATCH /guilds/{guildId}/channels`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal (Discord documents no audit-log reason here).
 * @returns A promise that resolves when Discord accepted it.
 */
export async function modifyGuildChannelPositions(
  rest: RestClient,
  guildId: Snowflake,
  body: ChannelPosition[],
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/channels`,
    routeOptions(options, { body }),
  );
}

/**
 * List a guild's invites (`GET /guilds/{guildId}/invites`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildInvites(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<InviteWithMetadata[]> {
  return await rest.request<InviteWithMetadata[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/invites`,
    routeOptions(options),
  );
}

/**
 * Disable or re-enable a guild's invites and direct messages for a while
 * (`PUT /guilds/{guildId}/incident-actions`), as its moderators do during
 * a raid. Needs `MANAGE_GUILD`. Each field is an ISO 8601 timestamp, at
 * most 24 hours ahead (Discord's limit), until which the action lasts;
 * `null` ends it. Both fields are required, though the docs mark them
 * optional: the route is a PUT, and Discord takes a field left out as
 * `null`, ending that action (hikari's maintainers found so), so a call
 * pausing DMs alone would have let a raid's invites in again. Discord
 * documents no audit-log reason for this route.
 *
 * The 24 hours are checked before sending against `options.now` (the real
 * clock by default), with {@linkcode INCIDENT_ACTION_CLOCK_TOLERANCE} (one
 * minute) of leeway for the clocks' skew: only a time more than 24 hours
 * and a minute ahead is refused. A time in the past is sent as it is (the
 * docs say nothing of one; Discord decides).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body `invites_disabled_until`, `dms_disabled_until`.
 * @param options Signal; `now`, the clock the limit is checked against.
 * @returns The guild's incidents data after the change.
 * @throws {TypeError} When `guildId` is not a snowflake, `body` is not an
 *   object, a field is missing or neither an ISO 8601 timestamp string (of
 *   a real date) nor `null` (a `Date` included: give `date.toISOString()`), or
 *   `options.now` is not a function returning a finite number, before
 *   anything is sent.
 * @throws {RangeError} When a timestamp is more than 24 hours (and the
 *   minute of tolerance) after `options.now()`, before anything is sent.
 *
 * @example Disable invites for the next 6 hours
 * ```ts
 * import { modifyGuildIncidentActions, RestClient } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * let sent: unknown;
 * const rest = new RestClient({
 *   token: "t",
 *   fetch: async (input, init) => {
 *     sent = await new Request(input, init).json();
 *     return Response.json({ ...(sent as object), dms_disabled_until: null });
 *   },
 * });
 * const now = Date.UTC(2026, 0, 1);
 * const until = new Date(now + 6 * 60 * 60 * 1000).toISOString();
 * const data = await modifyGuildIncidentActions(
 *   rest,
 *   "100000000000000001",
 *   { invites_disabled_until: until, dms_disabled_until: null },
 *   { now: () => now },
 * );
 * assert.deepEqual(sent, {
 *   invites_disabled_until: "2026-01-01T06:00:00.000Z",
 *   dms_disabled_until: null,
 * });
 * assert.equal(data.invites_disabled_until, until);
 *
 * // Two days ahead is past Discord's 24 hours: refused, nothing sent.
 * await assert.rejects(
 *   modifyGuildIncidentActions(rest, "100000000000000001", {
 *     invites_disabled_until: null,
 *     dms_disabled_until: new Date(now + 48 * 60 * 60 * 1000).toISOString(),
 *   }, { now: () => now }),
 *   RangeError,
 * );
 * ```
 */
export async function modifyGuildIncidentActions(
  rest: RestClient,
  guildId: Snowflake,
  body: ModifyGuildIncidentActionsBody,
  options: ModifyGuildIncidentActionsOptions = {},
): Promise<IncidentsData> {
  const path = `/guilds/${snowflake("guildId", guildId)}/incident-actions`;
  // The options first: a `null` is refused as no options object, not with
  // a failed read of its `now`.
  const request = routeOptions(options, { body }, INCIDENT_ACTIONS_OWN_KEYS);
  const now = routeClock("modify guild incident actions", options.now);
  request.body = checkIncidentActions(body, now);
  return await rest.request<IncidentsData>("PUT", path, request);
}

/** The fields of {@linkcode ModifyGuildIncidentActionsBody}. */
const INCIDENT_ACTION_FIELDS = [
  "invites_disabled_until",
  "dms_disabled_until",
] as const;

/**
 * Check each timestamp of an incident actions body: ISO 8601 or `null`,
 * at most 24 hours (and the tolerance) after `now()`. Returns the body to
 * send: a plain object copied, each field read once (what is checked is
 * what is sent).
 */
function checkIncidentActions(
  body: unknown,
  now: () => number,
): unknown {
  const action = "modify guild incident actions";
  assertOptionsObject(action, body, "body");
  const copy = plainCopy(body) as Record<string, unknown>;
  let current: number | undefined;
  for (const field of INCIDENT_ACTION_FIELDS) {
    const value = copy[field];
    if (value === undefined) {
      throw new TypeError(
        `Cannot ${action} as '${field}' must be given, an ISO 8601 timestamp or null: Discord takes a field left out as null, ending that action`,
      );
    }
    if (value === null) continue;
    const at = parseIsoTimestamp(value);
    if (at === undefined) {
      const hint = value instanceof Date ? " (give date.toISOString())" : "";
      throw new TypeError(
        `Cannot ${action} as '${field}' must be an ISO 8601 timestamp string of a real date, or null${hint}: current value '${field}=${
          shownQuoted(value)
        }'`,
      );
    }
    current ??= now();
    const ahead = at - current;
    if (
      ahead > MAX_INCIDENT_ACTION_DURATION + INCIDENT_ACTION_CLOCK_TOLERANCE
    ) {
      throw new RangeError(
        `Cannot ${action} as '${field}' must be at most 24 hours from now (Discord's limit; a minute allowed for clock skew): current value '${field}=${
          shownQuoted(value)
        }' (${(ahead / 3_600_000).toFixed(2)} hours ahead)`,
      );
    }
  }
  return copy;
}
