/**
 * Subscriptions (recurring payments for SKUs).
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";

/**
 * Subscription status: 0 active, 1 inactive, 2 ending (active until the
 * period's end, will not renew), as Discord's docs number them (they once
 * had 1 and 2 the other way round).
 */
export type SubscriptionStatus = 0 | 1 | 2;

/** A user's subscription to one or more SKUs. */
export interface Subscription {
  /** Subscription ID. */
  id: Snowflake;
  /** ID of the subscribing user. */
  user_id: Snowflake;
  /** SKUs subscribed to. */
  sku_ids: Snowflake[];
  /** Entitlements granted by the subscription. */
  entitlement_ids: Snowflake[];
  /** SKUs the subscription renews into at the end of the period. */
  renewal_sku_ids: Snowflake[] | null;
  /** Start of the current period. */
  current_period_start: string;
  /** End of the current period. */
  current_period_end: string;
  /** Current status. */
  status: SubscriptionStatus;
  /** When the subscription was canceled. */
  canceled_at: string | null;
  /** ISO 3166-1 alpha-2 country code of the payment source (needs the private scope). */
  country?: string;
}
