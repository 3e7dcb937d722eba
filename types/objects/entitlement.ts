/**
 * Entitlements (premium offerings a user or guild has access to).
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";

/**
 * Entitlement type: 1 purchase, 2 premium subscription, 3 developer gift,
 * 4 test-mode purchase, 5 free purchase, 6 user gift, 7 premium purchase,
 * 8 application subscription.
 */
export type EntitlementType = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** An entitlement: access to a premium SKU. */
export interface Entitlement {
  /** Entitlement ID. */
  id: Snowflake;
  /** SKU ID. */
  sku_id: Snowflake;
  /** Parent application ID. */
  application_id: Snowflake;
  /** ID of the user that is granted access. */
  user_id?: Snowflake;
  /** Entitlement type. */
  type: EntitlementType;
  /** Whether the entitlement was deleted. */
  deleted: boolean;
  /** When the entitlement starts; null for test entitlements. */
  starts_at: string | null;
  /** When the entitlement ends; null for test entitlements. */
  ends_at: string | null;
  /** ID of the guild that is granted access. */
  guild_id?: Snowflake;
  /** Whether a consumable entitlement was consumed. */
  consumed?: boolean;
}
