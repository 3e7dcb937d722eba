/**
 * Guild scheduled event routes.
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
import { checkNumbers } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type {
  GuildScheduledEvent,
  RecurrenceRule,
  ScheduledEventEntityMetadata,
} from "../../types/objects/scheduled_event.ts";
import type { User } from "../../types/objects/user.ts";
import type { GuildMember } from "../../types/objects/member.ts";
/** Body of {@linkcode createScheduledEvent}. */
export interface ScheduledEventBody {
  /** Name (1-100 characters). */
  name: string;
  /** Always 2 (guild only). */
  privacy_level: 2;
  /** ISO 8601 start. */
  scheduled_start_time: string;
  /** ISO 8601 end (required for external events). */
  scheduled_end_time?: string;
  /** 1 stage, 2 voice, 3 external. */
  entity_type: 1 | 2 | 3;
  /** The stage or voice channel (types 1 and 2). */
  channel_id?: Snowflake | null;
  /** The location (type 3). */
  entity_metadata?: ScheduledEventEntityMetadata | null;
  /** Description (1-1000 characters). */
  description?: string;
  /** Cover image as a data URI. */
  image?: string;
  /** Recurrence. */
  recurrence_rule?: RecurrenceRule | null;
}

/** Query of {@linkcode getScheduledEventUsers}. */
export interface GetScheduledEventUsersQuery {
  /** How many (1-100). */
  limit?: number;
  /** Include guild members. */
  with_member?: boolean;
  /** Users before this ID. */
  before?: Snowflake;
  /** Users after this ID. */
  after?: Snowflake;
}

/**
 * List a guild's scheduled events (`GET /guilds/{guildId}/scheduled-events`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listScheduledEvents(
  rest: RestClient,
  guildId: Snowflake,
  query: { with_user_count?: boolean } = {},
  options: RouteOptions = {},
): Promise<GuildScheduledEvent[]> {
  return await rest.request<GuildScheduledEvent[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/scheduled-events`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Create a scheduled event (`POST /guilds/{guildId}/scheduled-events`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function createScheduledEvent(
  rest: RestClient,
  guildId: Snowflake,
  body: ScheduledEventBody,
  options: AuditedRouteOptions = {},
): Promise<GuildScheduledEvent> {
  return await rest.request<GuildScheduledEvent>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/scheduled-events`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Get a scheduled event (`GET /guilds/{guildId}/scheduled-events/{eventId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param eventId The scheduled event.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getScheduledEvent(
  rest: RestClient,
  guildId: Snowflake,
  eventId: Snowflake,
  query: { with_user_count?: boolean } = {},
  options: RouteOptions = {},
): Promise<GuildScheduledEvent> {
  return await rest.request<GuildScheduledEvent>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/scheduled-events/${
      snowflake("eventId", eventId)
    }`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Change a scheduled event (also to start, end or cancel it via `status`) (`PATCH /guilds/{guildId}/scheduled-events/{eventId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param eventId The scheduled event.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyScheduledEvent(
  rest: RestClient,
  guildId: Snowflake,
  eventId: Snowflake,
  body: Partial<ScheduledEventBody> & { status?: 1 | 2 | 3 | 4 },
  options: AuditedRouteOptions = {},
): Promise<GuildScheduledEvent> {
  return await rest.request<GuildScheduledEvent>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/scheduled-events/${
      snowflake("eventId", eventId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Delete a scheduled event (`DELETE /guilds/{guildId}/scheduled-events/{eventId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param eventId The scheduled event.
 * @param options Signal (Discord documents no audit-log reason here).
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteScheduledEvent(
  rest: RestClient,
  guildId: Snowflake,
  eventId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/scheduled-events/${
      snowflake("eventId", eventId)
    }`,
    routeOptions(options),
  );
}

/**
 * List who is interested (100 per call) (`GET /guilds/{guildId}/scheduled-events/{eventId}/users`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param eventId The scheduled event.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 0 to 100 (the docs'
 *   "number of users to return (up to maximum 100)"), before anything is sent.
 */
export async function getScheduledEventUsers(
  rest: RestClient,
  guildId: Snowflake,
  eventId: Snowflake,
  query: GetScheduledEventUsersQuery = {},
  options: RouteOptions = {},
): Promise<
  { guild_scheduled_event_id: Snowflake; user: User; member?: GuildMember }[]
> {
  query = checkNumbers("get scheduled event users", query, {
    limit: { min: 0, max: 100 },
  });
  return await rest.request<
    { guild_scheduled_event_id: Snowflake; user: User; member?: GuildMember }[]
  >(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/scheduled-events/${
      snowflake("eventId", eventId)
    }/users`,
    routeOptions(options, { query: { ...query } }),
  );
}
