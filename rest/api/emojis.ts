/**
 * Emoji and sticker routes of a guild, and stickers by id.
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
import type { Emoji } from "../../types/objects/emoji.ts";
import type { Sticker } from "../../types/objects/sticker.ts";
import { prepareUploads } from "../uploads.ts";
import { mediaTypeEssence, uploadContentType } from "../_content_types.ts";

/** The media types Discord takes a sticker file as (APNG is `image/png`). */
const STICKER_TYPES: readonly string[] = [
  "image/png",
  "image/gif",
  "application/json",
];

/** A pack of Nitro stickers. */
export interface StickerPack {
  /** Pack ID. */
  id: Snowflake;
  /** The stickers. */
  stickers: Sticker[];
  /** Name. */
  name: string;
  /** The pack's SKU. */
  sku_id: Snowflake;
  /** The sticker shown as the pack's icon. */
  cover_sticker_id?: Snowflake;
  /** Description. */
  description: string;
  /** Banner asset ID. */
  banner_asset_id?: Snowflake;
}

/**
 * Upload a guild sticker (`POST /guilds/{guildId}/stickers`): a
 * `multipart/form-data` form of plain fields (`name`, `description`, `tags`)
 * and `file`, not `payload_json`.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param sticker Name (2-30 characters), description, tags and the PNG, APNG, GIF or Lottie JSON file (512 KiB at most). The file's `contentType` defaults to its `Blob`'s type, else its name's extension's (`.png` and `.apng` `image/png`, `.gif` `image/gif`, `.json` `application/json`).
 * @param options Signal, audit-log reason.
 * @returns The sticker.
 * @throws {TypeError} A file whose type is not `image/png`, `image/gif` or
 *   `application/json` (nothing is sent).
 */
export async function createGuildSticker(
  rest: RestClient,
  guildId: Snowflake,
  sticker: {
    name: string;
    description: string;
    tags: string;
    file: { name: string; data: Blob | Uint8Array; contentType?: string };
  },
  options: AuditedRouteOptions = {},
): Promise<Sticker> {
  const file = {
    name: sticker.file.name,
    data: sticker.file.data,
    ...(sticker.file.contentType
      ? { contentType: sticker.file.contentType }
      : {}),
  };
  // The file's own checks (its name, its size) first.
  const [prepared] = await prepareUploads([file], { maxSize: 512 * 1024 });
  // Discord takes the sticker's format from the part's type, and answers
  // any other with 50046 Invalid Asset once the file was uploaded.
  const type = mediaTypeEssence(uploadContentType(file));
  if (!STICKER_TYPES.includes(type)) {
    throw new TypeError(
      `Cannot create guild sticker as 'file' must be PNG, APNG, GIF or Lottie JSON, sent as image/png, image/gif or application/json (give 'contentType', or a name ending in .png, .apng, .gif or .json): current type '${type}'`,
    );
  }
  const form = new FormData();
  form.append("name", sticker.name);
  form.append("description", sticker.description);
  form.append("tags", sticker.tags);
  form.append("file", prepared!.blob, prepared!.name);
  return await rest.request<Sticker>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/stickers`,
    auditedRouteOptions(options, { body: form }),
  );
}

/**
 * List a guild's emojis (`GET /guilds/{guildId}/emojis`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listGuildEmojis(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Emoji[]> {
  return await rest.request<Emoji[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/emojis`,
    routeOptions(options),
  );
}

/**
 * Get one emoji (`GET /guilds/{guildId}/emojis/{emojiId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param emojiId The emoji.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildEmoji(
  rest: RestClient,
  guildId: Snowflake,
  emojiId: Snowflake,
  options: RouteOptions = {},
): Promise<Emoji> {
  return await rest.request<Emoji>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/emojis/${
      snowflake("emojiId", emojiId)
    }`,
    routeOptions(options),
  );
}

/**
 * Create an emoji from a data URI image (256 KiB at most) (`POST /guilds/{guildId}/emojis`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body Name, `data:image/...;base64,` image and roles allowed to use it.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function createGuildEmoji(
  rest: RestClient,
  guildId: Snowflake,
  body: { name: string; image: string; roles?: Snowflake[] },
  options: AuditedRouteOptions = {},
): Promise<Emoji> {
  return await rest.request<Emoji>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/emojis`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Rename an emoji or change its roles (`PATCH /guilds/{guildId}/emojis/{emojiId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param emojiId The emoji.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildEmoji(
  rest: RestClient,
  guildId: Snowflake,
  emojiId: Snowflake,
  body: { name?: string; roles?: Snowflake[] | null },
  options: AuditedRouteOptions = {},
): Promise<Emoji> {
  return await rest.request<Emoji>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/emojis/${
      snowflake("emojiId", emojiId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Delete an emoji (`DELETE /guilds/{guildId}/emojis/{emojiId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param emojiId The emoji.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteGuildEmoji(
  rest: RestClient,
  guildId: Snowflake,
  emojiId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/emojis/${
      snowflake("emojiId", emojiId)
    }`,
    auditedRouteOptions(options),
  );
}

/**
 * Get a sticker (`GET /stickers/{stickerId}`).
 *
 * @param rest The REST client.
 * @param stickerId The sticker.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getSticker(
  rest: RestClient,
  stickerId: Snowflake,
  options: RouteOptions = {},
): Promise<Sticker> {
  return await rest.request<Sticker>(
    "GET",
    `/stickers/${snowflake("stickerId", stickerId)}`,
    routeOptions(options),
  );
}

/**
 * List Nitro sticker packs (`GET /sticker-packs`).
 *
 * @param rest The REST client.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listStickerPacks(
  rest: RestClient,
  options: RouteOptions = {},
): Promise<{ sticker_packs: StickerPack[] }> {
  return await rest.request<{ sticker_packs: StickerPack[] }>(
    "GET",
    `/sticker-packs`,
    routeOptions(options),
  );
}

/**
 * Get a sticker pack (`GET /sticker-packs/{packId}`).
 *
 * @param rest The REST client.
 * @param packId The sticker pack.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getStickerPack(
  rest: RestClient,
  packId: Snowflake,
  options: RouteOptions = {},
): Promise<StickerPack> {
  return await rest.request<StickerPack>(
    "GET",
    `/sticker-packs/${snowflake("packId", packId)}`,
    routeOptions(options),
  );
}

/**
 * List a guild's stickers (`GET /guilds/{guildId}/stickers`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listGuildStickers(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Sticker[]> {
  return await rest.request<Sticker[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/stickers`,
    routeOptions(options),
  );
}

/**
 * Get one guild sticker (`GET /guilds/{guildId}/stickers/{stickerId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param stickerId The sticker.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildSticker(
  rest: RestClient,
  guildId: Snowflake,
  stickerId: Snowflake,
  options: RouteOptions = {},
): Promise<Sticker> {
  return await rest.request<Sticker>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/stickers/${
      snowflake("stickerId", stickerId)
    }`,
    routeOptions(options),
  );
}

/**
 * Change a sticker (`PATCH /guilds/{guildId}/stickers/{stickerId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param stickerId The sticker.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildSticker(
  rest: RestClient,
  guildId: Snowflake,
  stickerId: Snowflake,
  body: { name?: string; description?: string | null; tags?: string },
  options: AuditedRouteOptions = {},
): Promise<Sticker> {
  return await rest.request<Sticker>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/stickers/${
      snowflake("stickerId", stickerId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Delete a sticker (`DELETE /guilds/{guildId}/stickers/{stickerId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param stickerId The sticker.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteGuildSticker(
  rest: RestClient,
  guildId: Snowflake,
  stickerId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/stickers/${
      snowflake("stickerId", stickerId)
    }`,
    auditedRouteOptions(options),
  );
}
