/**
 * Stickers.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { User } from "./user.ts";

/** Sticker type: 1 Standard (official pack), 2 Guild. */
export type StickerType = 1 | 2;

/** Sticker format: 1 PNG, 2 APNG, 3 Lottie, 4 GIF. */
export type StickerFormatType = 1 | 2 | 3 | 4;

/** A sticker. */
export interface Sticker {
  /** Sticker ID. */
  id: Snowflake;
  /** Pack ID, for standard stickers. */
  pack_id?: Snowflake;
  /** Sticker name. */
  name: string;
  /** Sticker description. */
  description: string | null;
  /** Autocomplete/suggestion tags (comma-separated). */
  tags: string;
  /** Sticker type. */
  type: StickerType;
  /** Sticker format. */
  format_type: StickerFormatType;
  /** Whether a guild sticker can be used; false when boosts were lost. */
  available?: boolean;
  /** ID of the guild that owns the sticker. */
  guild_id?: Snowflake;
  /** The user who uploaded the guild sticker. */
  user?: User;
  /** Sort order within the pack. */
  sort_value?: number;
}

/** The minimal sticker form sent with messages. */
export interface StickerItem {
  /** Sticker ID. */
  id: Snowflake;
  /** Sticker name. */
  name: string;
  /** Sticker format. */
  format_type: StickerFormatType;
}
