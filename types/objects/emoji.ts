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
 * An emoji as a button or select option shows it: a custom one by its
 * `id` (its `name` and `animated` optional when sending; Discord fills them
 * in what it sends back), or a unicode one by its `name` (the character).
 * An emoji with neither is refused.
 */
export type ComponentEmoji =
  | {
    /** Custom emoji ID. */
    id: Snowflake;
    /** Emoji name. */
    name?: string | null;
    /** Whether the custom emoji is animated. */
    animated?: boolean;
  }
  | {
    /** Absent or null for a unicode emoji. */
    id?: null;
    /** The unicode character. */
    name: string;
    /** Never set for a unicode emoji. */
    animated?: boolean;
  };

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
