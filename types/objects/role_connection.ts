/**
 * Linked Roles: an application's role connection metadata records (what a
 * guild's linked role may require) and the role connection it keeps for a
 * user (the values those requirements are compared with).
 *
 * @module
 */
import type { Locale } from "../locales.ts";

/**
 * How a guild's linked role compares a user's metadata value with the
 * value the guild configured.
 *
 * @example Usage
 * ```ts
 * import { ApplicationRoleConnectionMetadataType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ApplicationRoleConnectionMetadataType.IntegerGreaterThanOrEqual, 2);
 * assert.equal(ApplicationRoleConnectionMetadataType.BooleanEqual, 7);
 * ```
 */
export const ApplicationRoleConnectionMetadataType = {
  /** The user's integer is less than or equal to the guild's integer. */
  IntegerLessThanOrEqual: 1,
  /** The user's integer is greater than or equal to the guild's integer. */
  IntegerGreaterThanOrEqual: 2,
  /** The user's integer is equal to the guild's integer. */
  IntegerEqual: 3,
  /** The user's integer is not equal to the guild's integer. */
  IntegerNotEqual: 4,
  /**
   * The user's ISO8601 date is on or before the guild's value, a number of
   * days before the current date.
   */
  DatetimeLessThanOrEqual: 5,
  /**
   * The user's ISO8601 date is on or after the guild's value, a number of
   * days before the current date.
   */
  DatetimeGreaterThanOrEqual: 6,
  /** The user's value (`1` or `0`) is equal to the guild's (`1`). */
  BooleanEqual: 7,
  /** The user's value (`1` or `0`) is not equal to the guild's (`1`). */
  BooleanNotEqual: 8,
} as const;

/** An application role connection metadata type value (1-8). */
export type ApplicationRoleConnectionMetadataType =
  typeof ApplicationRoleConnectionMetadataType[
    keyof typeof ApplicationRoleConnectionMetadataType
  ];

/**
 * One metadata record of an application: a value the application keeps for
 * each user under `key`, which a guild's linked role can require.
 */
export interface ApplicationRoleConnectionMetadata {
  /** How the value is compared. */
  type: ApplicationRoleConnectionMetadataType;
  /**
   * The value's key in a user's role connection `metadata`: 1-50
   * characters of `a-z`, `0-9` and `_`.
   */
  key: string;
  /** Name shown to guild admins (1-100 characters). */
  name: string;
  /**
   * Translations of the name keyed by Discord locale (`"de"`, `"en-US"`,
   * ...), each 1-100 characters; one left undefined is not sent.
   */
  name_localizations?: { [locale in Locale]?: string | undefined };
  /** Description shown to guild admins (1-200 characters). */
  description: string;
  /**
   * Translations of the description keyed by Discord locale, each 1-200
   * characters; one left undefined is not sent.
   */
  description_localizations?: { [locale in Locale]?: string | undefined };
}

/**
 * The role connection an application keeps for a user: the user's account
 * on the application's platform and its metadata values.
 */
export interface ApplicationRoleConnection {
  /** Vanity name of the platform (at most 50 characters). */
  platform_name: string | null;
  /**
   * The user's name on the platform (at most 100 characters). Not in the
   * docs' table of the object, though the update route sets it; Discord
   * returns it.
   */
  platform_username?: string | null;
  /**
   * Each metadata record's key to the user's value, as a string (at most
   * 100 characters): an integer's digits, an ISO8601 date, `"1"` or `"0"`
   * for a boolean.
   */
  metadata: Record<string, string>;
}
