/**
 * Entitlement, SKU and subscription routes.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import { checkNumbers } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Entitlement } from "../../types/objects/entitlement.ts";
import type { Subscription } from "../../types/objects/subscription.ts";
/** Query of {@linkcode listEntitlements}. */
export interface ListEntitlementsQuery {
  /** One user's. */
  user_id?: Snowflake;
  /** Comma-separated SKU IDs. */
  sku_ids?: string;
  /** Before this ID. */
  before?: Snowflake;
  /** After this ID. */
  after?: Snowflake;
  /** How many (1-100). */
  limit?: number;
  /** One guild's. */
  guild_id?: Snowflake;
  /** Leave out ended entitlements. */
  exclude_ended?: boolean;
  /** Leave out deleted entitlements. */
  exclude_deleted?: boolean;
}

/** Query of {@linkcode listSkuSubscriptions}. */
export interface ListSkuSubscriptionsQuery {
  /** Before this ID. */
  before?: Snowflake;
  /** After this ID. */
  after?: Snowflake;
  /** How many (1-100). */
  limit?: number;
  /** One user's (required unless the bot's token is an OAuth2 one). */
  user_id?: Snowflake;
}

/** Something an application sells. */
export interface Sku {
  /** SKU ID. */
  id: Snowflake;
  /** 2 durable, 3 consumable, 5 subscription, 6 subscription group. */
  type: number;
  /** The application. */
  application_id: Snowflake;
  /** Name. */
  name: string;
  /** URL slug. */
  slug: string;
  /** SKU flags. */
  flags: number;
}

/**
 * List entitlements (`GET /applications/{applicationId}/entitlements`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 100 (the docs'
 *   "Number of entitlements to return, 1-100"), before anything is sent.
 */
export async function listEntitlements(
  rest: RestClient,
  applicationId: Snowflake,
  query: ListEntitlementsQuery = {},
  options: RouteOptions = {},
): Promise<Entitlement[]> {
  query = checkNumbers("list entitlements", query, {
    limit: { min: 1, max: 100 },
  });
  return await rest.request<Entitlement[]>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/entitlements`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Get an entitlement (`GET /applications/{applicationId}/entitlements/{entitlementId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param entitlementId The entitlement.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getEntitlement(
  rest: RestClient,
  applicationId: Snowflake,
  entitlementId: Snowflake,
  options: RouteOptions = {},
): Promise<Entitlement> {
  return await rest.request<Entitlement>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/entitlements/${
      snowflake("entitlementId", entitlementId)
    }`,
    routeOptions(options),
  );
}

/**
 * Mark a one-time purchase as used (`POST /applications/{applicationId}/entitlements/{entitlementId}/consume`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param entitlementId The entitlement.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function consumeEntitlement(
  rest: RestClient,
  applicationId: Snowflake,
  entitlementId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "POST",
    `/applications/${snowflake("applicationId", applicationId)}/entitlements/${
      snowflake("entitlementId", entitlementId)
    }/consume`,
    routeOptions(options),
  );
}

/**
 * Grant a test entitlement (`POST /applications/{applicationId}/entitlements`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param body SKU, and the guild (1) or user (2) that gets it.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function createTestEntitlement(
  rest: RestClient,
  applicationId: Snowflake,
  body: { sku_id: Snowflake; owner_id: Snowflake; owner_type: 1 | 2 },
  options: RouteOptions = {},
): Promise<Entitlement> {
  return await rest.request<Entitlement>(
    "POST",
    `/applications/${snowflake("applicationId", applicationId)}/entitlements`,
    routeOptions(options, { body }),
  );
}

/**
 * Remove a test entitlement (`DELETE /applications/{applicationId}/entitlements/{entitlementId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param entitlementId The entitlement.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteTestEntitlement(
  rest: RestClient,
  applicationId: Snowflake,
  entitlementId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/applications/${snowflake("applicationId", applicationId)}/entitlements/${
      snowflake("entitlementId", entitlementId)
    }`,
    routeOptions(options),
  );
}

/**
 * List the application's SKUs (`GET /applications/{applicationId}/skus`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listSkus(
  rest: RestClient,
  applicationId: Snowflake,
  options: RouteOptions = {},
): Promise<Sku[]> {
  return await rest.request<Sku[]>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/skus`,
    routeOptions(options),
  );
}

/**
 * List subscriptions to an SKU (`GET /skus/{skuId}/subscriptions`).
 *
 * @param rest The REST client.
 * @param skuId The SKU.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 100 (the docs'
 *   "Number of results to return (1-100)"), before anything is sent.
 */
export async function listSkuSubscriptions(
  rest: RestClient,
  skuId: Snowflake,
  query: ListSkuSubscriptionsQuery = {},
  options: RouteOptions = {},
): Promise<Subscription[]> {
  query = checkNumbers("list SKU subscriptions", query, {
    limit: { min: 1, max: 100 },
  });
  return await rest.request<Subscription[]>(
    "GET",
    `/skus/${snowflake("skuId", skuId)}/subscriptions`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Get one subscription (`GET /skus/{skuId}/subscriptions/{subscriptionId}`).
 *
 * @param rest The REST client.
 * @param skuId The SKU.
 * @param subscriptionId The subscription.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getSkuSubscription(
  rest: RestClient,
  skuId: Snowflake,
  subscriptionId: Snowflake,
  options: RouteOptions = {},
): Promise<Subscription> {
  return await rest.request<Subscription>(
    "GET",
    `/skus/${snowflake("skuId", skuId)}/subscriptions/${
      snowflake("subscriptionId", subscriptionId)
    }`,
    routeOptions(options),
  );
}
