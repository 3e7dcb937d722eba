/**
 * Stage instance routes.
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
import type { StageInstance } from "../../types/objects/stage_instance.ts";
/** Body of {@linkcode createStageInstance}. */
export interface CreateStageInstanceBody {
  /** The stage channel. */
  channel_id: Snowflake;
  /** Topic (1-120 characters). */
  topic: string;
  /** 1 public (deprecated), 2 guild only. */
  privacy_level?: 1 | 2;
  /** Notify @everyone that the stage started. */
  send_start_notification?: boolean;
  /** The scheduled event it belongs to. */
  guild_scheduled_event_id?: Snowflake;
}

/**
 * Start a stage in a stage channel (`POST /stage-instances`).
 *
 * @param rest The REST client.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function createStageInstance(
  rest: RestClient,
  body: CreateStageInstanceBody,
  options: AuditedRouteOptions = {},
): Promise<StageInstance> {
  return await rest.request<StageInstance>(
    "POST",
    `/stage-instances`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Get the stage of a stage channel (`GET /stage-instances/{channelId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getStageInstance(
  rest: RestClient,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<StageInstance> {
  return await rest.request<StageInstance>(
    "GET",
    `/stage-instances/${snowflake("channelId", channelId)}`,
    routeOptions(options),
  );
}

/**
 * Change a stage's topic or privacy (`PATCH /stage-instances/{channelId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyStageInstance(
  rest: RestClient,
  channelId: Snowflake,
  body: { topic?: string; privacy_level?: 1 | 2 },
  options: AuditedRouteOptions = {},
): Promise<StageInstance> {
  return await rest.request<StageInstance>(
    "PATCH",
    `/stage-instances/${snowflake("channelId", channelId)}`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * End a stage (`DELETE /stage-instances/{channelId}`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteStageInstance(
  rest: RestClient,
  channelId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/stage-instances/${snowflake("channelId", channelId)}`,
    auditedRouteOptions(options),
  );
}
