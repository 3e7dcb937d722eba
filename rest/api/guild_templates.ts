/**
 * Guild template routes: get a template by its code, and list, create,
 * sync, modify and delete a guild's templates.
 *
 * Left out: Create Guild from Template (`POST /guilds/templates/{code}`).
 * Apps can no longer create guilds: Discord removed that route from its
 * documentation and its OpenAPI specification with Create Guild ("Guild
 * Create Deprecation", change log of July 28, 2025). A template's code is
 * for a person to use in Discord's client.
 *
 * Discord documents no `X-Audit-Log-Reason` for these routes, so none
 * takes a `reason`.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type RouteOptions,
  routeOptions,
  segment,
  snowflake,
} from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { GuildTemplate } from "../../types/objects/guild_template.ts";
import { assertOptionsObject } from "../../base/option_checks.ts";
import { assertTextLength } from "../../base/text_length.ts";

/** The longest template name Discord takes, in characters (code points). */
const MAX_GUILD_TEMPLATE_NAME = 100;
/** The longest template description Discord takes, in characters (code points). */
const MAX_GUILD_TEMPLATE_DESCRIPTION = 120;

/** Body of {@linkcode createGuildTemplate}. */
export interface CreateGuildTemplateBody {
  /** Name (1-100 characters). */
  name: string;
  /** Description (0-120 characters). */
  description?: string | null;
}

/** Body of {@linkcode modifyGuildTemplate} (every field optional). */
export interface ModifyGuildTemplateBody {
  /** Name (1-100 characters). */
  name?: string;
  /** Description (0-120 characters; `null` clears it). */
  description?: string | null;
}

/**
 * Get a guild template by its code (`GET /guilds/templates/{code}`).
 *
 * @param rest The REST client.
 * @param code The template code.
 * @param options Signal.
 * @returns The template.
 * @throws {TypeError} When `code` is not a non-empty string, before
 *   anything is sent.
 * @throws {DiscordApiError} From Discord: 404 with code 10057 (Unknown
 *   Guild Template) for a code that names none.
 *
 * @example Usage
 * ```ts
 * import { getGuildTemplate, RestClient } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const rest = new RestClient({
 *   token: "t",
 *   fetch: (input) => {
 *     assert.equal(
 *       new URL(input instanceof Request ? input.url : input).pathname,
 *       "/api/v10/guilds/templates/hgM48av5Q69A",
 *     );
 *     return Promise.resolve(Response.json({
 *       code: "hgM48av5Q69A",
 *       name: "Friends & Family",
 *       serialized_source_guild: { name: "Friends & Family", roles: [], channels: [] },
 *     }));
 *   },
 * });
 * const template = await getGuildTemplate(rest, "hgM48av5Q69A");
 * assert.equal(template.name, "Friends & Family");
 * ```
 */
export async function getGuildTemplate(
  rest: RestClient,
  code: string,
  options: RouteOptions = {},
): Promise<GuildTemplate> {
  return await rest.request<GuildTemplate>(
    "GET",
    `/guilds/templates/${segment("code", code)}`,
    routeOptions(options),
  );
}

/**
 * List a guild's templates (`GET /guilds/{guildId}/templates`). Needs
 * `MANAGE_GUILD`.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns The guild's templates.
 * @throws {TypeError} When `guildId` is not a snowflake, before anything
 *   is sent.
 */
export async function getGuildTemplates(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildTemplate[]> {
  return await rest.request<GuildTemplate[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/templates`,
    routeOptions(options),
  );
}

/**
 * Create a template of a guild from its current state
 * (`POST /guilds/{guildId}/templates`). Needs `MANAGE_GUILD`; Discord
 * answers 400 with code 30031 when the guild already has a template.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body Name (1-100 characters) and description (0-120).
 * @param options Signal.
 * @returns The created template.
 * @throws {TypeError} When `guildId` is not a snowflake, `body` is not an
 *   object, `name` is not a string or `description` is neither a string
 *   nor `null`, before anything is sent.
 * @throws {RangeError} When `name` is not 1 to 100 characters or
 *   `description` is longer than 120 (code points, as Discord counts
 *   them), before anything is sent.
 *
 * @example A name past Discord's limit is refused before sending
 * ```ts
 * import { createGuildTemplate, RestClient } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * let sent = 0;
 * const rest = new RestClient({
 *   token: "t",
 *   fetch: () => {
 *     sent++;
 *     return Promise.resolve(Response.json({}));
 *   },
 * });
 * await assert.rejects(
 *   createGuildTemplate(rest, "100000000000000001", { name: "x".repeat(101) }),
 *   RangeError,
 * );
 * assert.equal(sent, 0);
 * ```
 */
export async function createGuildTemplate(
  rest: RestClient,
  guildId: Snowflake,
  body: CreateGuildTemplateBody,
  options: RouteOptions = {},
): Promise<GuildTemplate> {
  const path = `/guilds/${snowflake("guildId", guildId)}/templates`;
  checkTemplateBody("create guild template", body, true);
  return await rest.request<GuildTemplate>(
    "POST",
    path,
    routeOptions(options, { body }),
  );
}

/**
 * Sync a template to its guild's current state
 * (`PUT /guilds/{guildId}/templates/{code}`). Needs `MANAGE_GUILD`.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param code The template code.
 * @param options Signal.
 * @returns The synced template.
 * @throws {TypeError} When `guildId` is not a snowflake or `code` not a
 *   non-empty string, before anything is sent.
 */
export async function syncGuildTemplate(
  rest: RestClient,
  guildId: Snowflake,
  code: string,
  options: RouteOptions = {},
): Promise<GuildTemplate> {
  return await rest.request<GuildTemplate>(
    "PUT",
    templatePath(guildId, code),
    routeOptions(options),
  );
}

/**
 * Change a template's name or description
 * (`PATCH /guilds/{guildId}/templates/{code}`). Needs `MANAGE_GUILD`.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param code The template code.
 * @param body The fields to send: name (1-100 characters), description
 *   (0-120, `null` to clear it).
 * @param options Signal.
 * @returns The changed template.
 * @throws {TypeError} When `guildId` is not a snowflake, `code` not a
 *   non-empty string, `body` not an object, `name` given and not a string
 *   or `description` neither a string nor `null`, before anything is sent.
 * @throws {RangeError} When `name` is not 1 to 100 characters or
 *   `description` is longer than 120, before anything is sent.
 */
export async function modifyGuildTemplate(
  rest: RestClient,
  guildId: Snowflake,
  code: string,
  body: ModifyGuildTemplateBody,
  options: RouteOptions = {},
): Promise<GuildTemplate> {
  const path = templatePath(guildId, code);
  checkTemplateBody("modify guild template", body, false);
  return await rest.request<GuildTemplate>(
    "PATCH",
    path,
    routeOptions(options, { body }),
  );
}

/**
 * Delete a template (`DELETE /guilds/{guildId}/templates/{code}`). Needs
 * `MANAGE_GUILD`.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param code The template code.
 * @param options Signal.
 * @returns The deleted template.
 * @throws {TypeError} When `guildId` is not a snowflake or `code` not a
 *   non-empty string, before anything is sent.
 */
export async function deleteGuildTemplate(
  rest: RestClient,
  guildId: Snowflake,
  code: string,
  options: RouteOptions = {},
): Promise<GuildTemplate> {
  return await rest.request<GuildTemplate>(
    "DELETE",
    templatePath(guildId, code),
    routeOptions(options),
  );
}

/** `/guilds/{guildId}/templates/{code}`, both checked. */
function templatePath(guildId: Snowflake, code: string): string {
  return `/guilds/${snowflake("guildId", guildId)}/templates/${
    segment("code", code)
  }`;
}

/**
 * Check a template body's name and description against Discord's table
 * (name 1-100 characters, description 0-120 or `null`).
 *
 * @param action What is being done, for the message.
 * @param body The body.
 * @param nameRequired Whether `name` must be given (creation).
 * @throws {TypeError} For a body that is not an object, or a field of the
 *   wrong type.
 * @throws {RangeError} For a field of the wrong length.
 */
function checkTemplateBody(
  action: string,
  body: unknown,
  nameRequired: boolean,
): void {
  assertOptionsObject(action, body, "body");
  const { name, description } = body as Record<string, unknown>;
  if (name !== undefined || nameRequired) {
    assertTextLength(action, "name", name, 1, MAX_GUILD_TEMPLATE_NAME);
  }
  if (description !== undefined && description !== null) {
    assertTextLength(
      action,
      "description",
      description,
      0,
      MAX_GUILD_TEMPLATE_DESCRIPTION,
      " or null",
    );
  }
}
