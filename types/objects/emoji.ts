/**
 * Emoji.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { User } from "./user.ts";

/** An emoji reduced to what reactions and polls carry. */
export interface PartialEmoji {
  /** Emoji ID; null for a unicode emoji. */
  id: Snowflake | null;
  /** Emoji name, or the unicode character; null for some deleted emoji. */
  name: string | null;
  /** Whether the emoji is animated. */
  animated?: boolean;
}

/**
 * An emoji as a button or select option shows it: a unicode emoji by its
 * `name`, a custom one by its `id` (its `name` and `animated` optional when
 * sending; Discord fills them in what it sends back).
 */
export interface ComponentEmoji {
  /** Custom emoji ID; absent or null for a unicode emoji. */
  id?: Snowflake | null;
  /** Emoji name, or the unicode character. */
  name?: string | null;
  /** Whether the custom emoji is animated. */
  animated?: boolean;
}

/** A custom or unicode emoji. */
export interface Emoji extends PartialEmoji {
  /** Roles allowed to use the emoji. */
  roles?: Snowflake[];
  /** The user who created the emoji. */
  user?: User;
  /** Whether the emoji must be wrapped in colons. */
  require_colons?: boolean;
  /** Whether the emoji is managed by an integration. */
  managed?: boolean;
  /** Whether the emoji can be used; false when boosts were lost. */
  available?: boolean;
}
