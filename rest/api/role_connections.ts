/**
 * Linked Roles: an application's role connection metadata records, set
 * with the bot token, and a user's role connection, set with the user's
 * OAuth2 access token (the `role_connections.write` scope).
 *
 * The records say which values the application keeps for each user (at
 * most 5, each under its `key`); a guild's linked role compares a user's
 * values with the ones its admins configured. When a user authorizes the
 * application (through its `role_connections_verification_url`), the bot
 * writes that user's values with
 * {@linkcode updateCurrentUserApplicationRoleConnection}.
 *
 * What Discord's tables say it would refuse with a 400 is refused here
 * first, and nothing is sent: too many records or values, a key that is
 * not 1-50 characters of `a-z`, `0-9` and `_`, a name, description or value
 * too long, a type that is none of the eight, a localization keyed by
 * anything but a Discord locale.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import { userTokenRouteOptions } from "./_user_token.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import {
  type ApplicationRoleConnection,
  type ApplicationRoleConnectionMetadata,
  ApplicationRoleConnectionMetadataType,
} from "../../types/objects/role_connection.ts";
import { isLocale, LOCALES } from "../../types/locales.ts";
import { isPlainObject, isRecord } from "../../base/is_record.ts";
import { shown, shownQuoted } from "../../base/option_checks.ts";
import { assertTextLength } from "../../base/text_length.ts";

/**
 * The most metadata records an application has ("An application can have
 * a maximum of 5 metadata records"), and so the most values a user's role
 * connection holds.
 */
export const MAX_ROLE_CONNECTION_METADATA = 5;

/** The OAuth2 scope the user's role connection routes need. */
const SCOPE = "role_connections.write";

/**
 * A value of a user's role connection, as given to
 * {@linkcode updateCurrentUserApplicationRoleConnection}. Discord keeps
 * each as a string; the route writes the others as its docs say: an integer
 * as its digits, a boolean as `"1"` or `"0"` (JSON's `true` is no value
 * Discord's boolean types compare), a `Date` as its ISO8601 string.
 */
export type RoleConnectionMetadataValue = string | number | boolean | Date;

/** Body of {@linkcode updateCurrentUserApplicationRoleConnection}. */
export interface UpdateApplicationRoleConnectionBody {
  /** Vanity name of the platform (at most 50 characters). */
  platform_name?: string;
  /** The user's name on the platform (at most 100 characters). */
  platform_username?: string;
  /**
   * Each metadata record's key to the user's value (at most 5; a string of
   * at most 100 characters, an integer, a boolean or a date).
   */
  metadata?: Record<string, RoleConnectionMetadataValue>;
}

/**
 * Get the application's role connection metadata records (`GET
 * /applications/{applicationId}/role-connections/metadata`), with the bot
 * token.
 *
 * @param rest The REST client.
 * @param applicationId The application (the bot's).
 * @param options Signal.
 * @returns Discord's answer: the records, at most 5.
 */
export async function getApplicationRoleConnectionMetadataRecords(
  rest: RestClient,
  applicationId: Snowflake,
  options: RouteOptions = {},
): Promise<ApplicationRoleConnectionMetadata[]> {
  return await rest.request<ApplicationRoleConnectionMetadata[]>(
    "GET",
    `/applications/${
      snowflake("applicationId", applicationId)
    }/role-connections/metadata`,
    routeOptions(options),
  );
}

/**
 * Replace the application's role connection metadata records (`PUT
 * /applications/{applicationId}/role-connections/metadata`), with the bot
 * token: the records sent are all the application has afterwards (an empty
 * array removes them all). A one-time step of setting up Linked Roles, as
 * Discord's tutorial says.
 *
 * @param rest The REST client.
 * @param applicationId The application (the bot's).
 * @param records The records, at most 5, their keys unique.
 * @param options Signal.
 * @returns Discord's answer: the records as Discord keeps them.
 * @throws {TypeError} When `records` is not an array, a record not an
 *   object, a key not of `a-z`, `0-9` and `_` or the same as an earlier
 *   record's, a type none of {@linkcode ApplicationRoleConnectionMetadataType},
 *   or a localization keyed by anything but a Discord locale (nothing is
 *   sent).
 * @throws {RangeError} When there are more than 5 records, or a key,
 *   name, description or translation is empty or too long (nothing is
 *   sent).
 *
 * @example Usage
 * ```ts
 * import {
 *   RestClient,
 *   updateApplicationRoleConnectionMetadataRecords,
 * } from "@disruption/disruption/rest";
 * import { ApplicationRoleConnectionMetadataType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * // Discord, answering with the records it was sent.
 * const rest = new RestClient({
 *   token: "bot-token",
 *   fetch: async (_url, init) => Response.json(JSON.parse(String(init?.body))),
 * });
 * const records = await updateApplicationRoleConnectionMetadataRecords(
 *   rest,
 *   "1006577651003457676",
 *   [{
 *     key: "cookies_eaten",
 *     name: "Cookies eaten",
 *     name_localizations: { fr: "Cookies mangés" },
 *     description: "At least this many cookies",
 *     type: ApplicationRoleConnectionMetadataType.IntegerGreaterThanOrEqual,
 *   }],
 * );
 * assert.equal(records[0]!.key, "cookies_eaten");
 *
 * // A key Discord would refuse: nothing is sent.
 * await assert.rejects(
 *   updateApplicationRoleConnectionMetadataRecords(rest, "1006577651003457676", [
 *     { key: "Cookies", name: "Cookies", description: "Cookies", type: 2 },
 *   ]),
 *   TypeError,
 * );
 * ```
 */
export async function updateApplicationRoleConnectionMetadataRecords(
  rest: RestClient,
  applicationId: Snowflake,
  records: readonly ApplicationRoleConnectionMetadata[],
  options: RouteOptions = {},
): Promise<ApplicationRoleConnectionMetadata[]> {
  const path = `/applications/${
    snowflake("applicationId", applicationId)
  }/role-connections/metadata`;
  checkRecords(records);
  return await rest.request<ApplicationRoleConnectionMetadata[]>(
    "PUT",
    path,
    routeOptions(options, { body: records }),
  );
}

/**
 * Get the role connection the application keeps for the user an OAuth2
 * access token belongs to (`GET
 * /users/@me/applications/{applicationId}/role-connection`). Sent with
 * `Authorization: Bearer <accessToken>`, never with the bot token: Discord
 * requires the user's token with the `role_connections.write` scope, for
 * this application.
 *
 * @param rest The REST client.
 * @param applicationId The application the token was issued to.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped), with the `role_connections.write` scope. It is never
 *   shown in an error or a log.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `accessToken` is not a token (it is never
 *   shown).
 */
export async function getCurrentUserApplicationRoleConnection(
  rest: RestClient,
  applicationId: Snowflake,
  accessToken: string,
  options: RouteOptions = {},
): Promise<ApplicationRoleConnection> {
  return await rest.request<ApplicationRoleConnection>(
    "GET",
    userRoleConnectionPath(applicationId),
    userTokenRouteOptions(options, accessToken, SCOPE),
  );
}

/**
 * Set the role connection the application keeps for the user an OAuth2
 * access token belongs to (`PUT
 * /users/@me/applications/{applicationId}/role-connection`): the platform
 * account and the values a guild's linked roles compare. Sent with
 * `Authorization: Bearer <accessToken>`, never with the bot token.
 *
 * Discord keeps each value as a string: numbers are sent as their digits,
 * booleans as `"1"` or `"0"` and dates as ISO8601 strings (see
 * {@linkcode RoleConnectionMetadataValue}); a string is sent as given.
 *
 * @param rest The REST client.
 * @param applicationId The application the token was issued to.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped), with the `role_connections.write` scope. It is never
 *   shown in an error or a log.
 * @param body The platform's name, the user's name there, the values.
 * @param options Signal.
 * @returns Discord's answer: the role connection as Discord keeps it.
 * @throws {TypeError} When `accessToken` is not a token (it is never
 *   shown), `body` or `metadata` is not an object, a key is not of `a-z`,
 *   `0-9` and `_`, or a value is none of a string, a number, a boolean or a
 *   `Date` (nothing is sent).
 * @throws {RangeError} When `platform_name` is longer than 50 characters,
 *   `platform_username` longer than 100, there are more than 5 values, a
 *   key is empty or longer than 50 characters, a string value longer than
 *   100, a number not an integer, or a `Date` invalid (nothing is sent).
 *
 * @example Usage
 * ```ts
 * import {
 *   RestClient,
 *   updateCurrentUserApplicationRoleConnection,
 * } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const sent: { authorization: string | null; body: unknown }[] = [];
 * const rest = new RestClient({
 *   token: "bot-token",
 *   fetch: async (_url, init) => {
 *     const body = JSON.parse(String(init?.body));
 *     sent.push({
 *       authorization: new Headers(init?.headers).get("authorization"),
 *       body,
 *     });
 *     return Response.json(body);
 *   },
 * });
 * // The access token the user's OAuth2 authorization gave the bot.
 * const accessToken = "6qrZcUqja7812RVdnEKjpzOL4CvHBFG";
 * await updateCurrentUserApplicationRoleConnection(
 *   rest,
 *   "1006577651003457676",
 *   accessToken,
 *   {
 *     platform_name: "Cookie Clicker",
 *     metadata: {
 *       cookies_eaten: 1483,
 *       allergic_to_nuts: false,
 *       first_cookie_baked: new Date("2003-12-20T00:00:00Z"),
 *     },
 *   },
 * );
 * assert.deepEqual(sent, [{
 *   authorization: `Bearer ${accessToken}`,
 *   body: {
 *     platform_name: "Cookie Clicker",
 *     metadata: {
 *       cookies_eaten: "1483",
 *       allergic_to_nuts: "0",
 *       first_cookie_baked: "2003-12-20T00:00:00.000Z",
 *     },
 *   },
 * }]);
 * ```
 */
export async function updateCurrentUserApplicationRoleConnection(
  rest: RestClient,
  applicationId: Snowflake,
  accessToken: string,
  body: UpdateApplicationRoleConnectionBody,
  options: RouteOptions = {},
): Promise<ApplicationRoleConnection> {
  const path = userRoleConnectionPath(applicationId);
  // The token first: given in the body's place (the two swapped from
  // JavaScript), it was quoted whole as the wrong 'body'.
  const sendAs = userTokenRouteOptions(options, accessToken, SCOPE);
  const requestOptions = { ...sendAs, body: roleConnectionBody(body) };
  return await rest.request<ApplicationRoleConnection>(
    "PUT",
    path,
    requestOptions,
  );
}

/**
 * Delete the role connection the application keeps for the user an OAuth2
 * access token belongs to (`DELETE
 * /users/@me/applications/{applicationId}/role-connection`): the user no
 * longer meets the requirements of the guilds' linked roles on this
 * application. Sent with `Authorization: Bearer <accessToken>`, never with
 * the bot token.
 *
 * @param rest The REST client.
 * @param applicationId The application the token was issued to.
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped), with the `role_connections.write` scope. It is never
 *   shown in an error or a log.
 * @param options Signal.
 * @returns A promise that resolves when Discord deleted it.
 * @throws {TypeError} When `accessToken` is not a token (it is never
 *   shown).
 */
export async function deleteCurrentUserApplicationRoleConnection(
  rest: RestClient,
  applicationId: Snowflake,
  accessToken: string,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    userRoleConnectionPath(applicationId),
    userTokenRouteOptions(options, accessToken, SCOPE),
  );
}

function userRoleConnectionPath(applicationId: Snowflake): string {
  return `/users/@me/applications/${
    snowflake("applicationId", applicationId)
  }/role-connection`;
}

const RECORDS_ACTION = "update role connection metadata";
const CONNECTION_ACTION = "update role connection";

/** Discord's rule for a metadata key: 1-50 of `a-z`, `0-9`, `_`. */
const KEY_CHARS = /^[a-z0-9_]*$/;
const MAX_KEY = 50;
const MAX_NAME = 100;
const MAX_DESCRIPTION = 200;
const MAX_PLATFORM_NAME = 50;
const MAX_PLATFORM_USERNAME = 100;
const MAX_VALUE = 100;

const TYPES: ReadonlySet<unknown> = new Set(
  Object.values(ApplicationRoleConnectionMetadataType),
);

/** The records as Discord's table takes them, or a `TypeError`/`RangeError`. */
function checkRecords(records: unknown): void {
  if (!Array.isArray(records)) {
    throw new TypeError(
      `Cannot ${RECORDS_ACTION} as 'records' must be an array of metadata records: current value 'records=${
        shown(records)
      }'`,
    );
  }
  if (records.length > MAX_ROLE_CONNECTION_METADATA) {
    throw new RangeError(
      `Cannot ${RECORDS_ACTION} as 'records' must hold at most ${MAX_ROLE_CONNECTION_METADATA} records (an application's most): current count '${records.length}'`,
    );
  }
  // Discord's docs do not say keys must differ; a user's values are kept
  // and compared by key, so a second record under a key could never be
  // told from the first: refused, as a bot author would expect.
  const seen = new Map<string, number>();
  // Indices, not forEach: a hole (`[, record]`) is sent as null.
  for (let index = 0; index < records.length; index++) {
    const record: unknown = records[index];
    const at = `records[${index}]`;
    if (!isRecord(record)) {
      throw new TypeError(
        `Cannot ${RECORDS_ACTION} as '${at}' must be an object: current value '${at}=${
          shown(record)
        }'`,
      );
    }
    const key = checkKey(
      RECORDS_ACTION,
      `'${at}.key'`,
      `${at}.key`,
      record.key,
    );
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new TypeError(
        `Cannot ${RECORDS_ACTION} as '${at}.key' must differ from every other record's (a user's values are kept by key), as 'records[${earlier}].key' is the same: current value '${at}.key=${
          shownQuoted(key)
        }'`,
      );
    }
    seen.set(key, index);
    if (!TYPES.has(record.type)) {
      throw new TypeError(
        `Cannot ${RECORDS_ACTION} as '${at}.type' must be an ApplicationRoleConnectionMetadataType, an integer from 1 to 8: current value '${at}.type=${
          shownQuoted(record.type)
        }'`,
      );
    }
    assertTextLength(RECORDS_ACTION, `${at}.name`, record.name, 1, MAX_NAME);
    assertTextLength(
      RECORDS_ACTION,
      `${at}.description`,
      record.description,
      1,
      MAX_DESCRIPTION,
    );
    checkLocalizations(
      `${at}.name_localizations`,
      record.name_localizations,
      MAX_NAME,
    );
    checkLocalizations(
      `${at}.description_localizations`,
      record.description_localizations,
      MAX_DESCRIPTION,
    );
  }
}

/**
 * A metadata key: 1-50 characters of `a-z`, `0-9` and `_` (the records'
 * rule, which the keys of a user's values follow: they name records).
 * `subject` says which key in the message, `name` how its value is shown.
 */
function checkKey(
  action: string,
  subject: string,
  name: string,
  key: unknown,
): string {
  const rule = `1-${MAX_KEY} characters of a-z, 0-9 and _`;
  if (typeof key !== "string" || !KEY_CHARS.test(key)) {
    throw new TypeError(
      `Cannot ${action} as ${subject} must be ${rule}: current value '${name}=${
        shownQuoted(key)
      }'`,
    );
  }
  if (key.length < 1 || key.length > MAX_KEY) {
    throw new RangeError(
      `Cannot ${action} as ${subject} must be ${rule}: current length '${key.length}'`,
    );
  }
  return key;
}

/** A record's translations: Discord locales to texts of its length. */
function checkLocalizations(field: string, map: unknown, max: number): void {
  // Absent, or null as Discord may answer an unset map with: sent as given.
  if (map === undefined || map === null) return;
  if (!isPlainObject(map)) {
    throw new TypeError(
      `Cannot ${RECORDS_ACTION} as '${field}' must be an object keyed by Discord locales: current value '${field}=${
        shown(map)
      }'`,
    );
  }
  for (const [locale, text] of Object.entries(map)) {
    if (!isLocale(locale)) {
      throw new TypeError(
        `Cannot ${RECORDS_ACTION} as '${field}' has a key that is not a Discord locale (${
          LOCALES.join(", ")
        }): current value '${shownQuoted(locale)}'`,
      );
    }
    // A missing translation (`{ fr: t.fr?.[key] }`): JSON leaves it out.
    if (text === undefined) continue;
    assertTextLength(RECORDS_ACTION, `${field}.${locale}`, text, 1, max);
  }
}

/**
 * The body of a user's role connection as Discord takes it: the texts
 * within their lengths, the values as strings.
 */
function roleConnectionBody(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) {
    throw new TypeError(
      `Cannot ${CONNECTION_ACTION} as 'body' must be an object: current value 'body=${
        shown(body)
      }'`,
    );
  }
  checkPlatformText("platform_name", body.platform_name, MAX_PLATFORM_NAME);
  checkPlatformText(
    "platform_username",
    body.platform_username,
    MAX_PLATFORM_USERNAME,
  );
  if (body.metadata === undefined) return { ...body };
  return { ...body, metadata: metadataValues(body.metadata) };
}

/**
 * `platform_name` or `platform_username`: a string of at most `max`
 * characters. `null`, which the docs do not list, is sent as given:
 * Discord answers null for an unset one, and whether it clears one is not
 * said.
 */
function checkPlatformText(field: string, text: unknown, max: number): void {
  if (text === undefined || text === null) return;
  assertTextLength(CONNECTION_ACTION, field, text, 0, max);
}

/** A user's values, each as the string Discord keeps. */
function metadataValues(metadata: unknown): Record<string, string> {
  if (!isPlainObject(metadata)) {
    throw new TypeError(
      `Cannot ${CONNECTION_ACTION} as 'metadata' must be an object of metadata keys to values: current value 'metadata=${
        shown(metadata)
      }'`,
    );
  }
  // Left out, as JSON leaves them out.
  const entries = Object.entries(metadata).filter(([, v]) => v !== undefined);
  if (entries.length > MAX_ROLE_CONNECTION_METADATA) {
    throw new RangeError(
      `Cannot ${CONNECTION_ACTION} as 'metadata' must hold at most ${MAX_ROLE_CONNECTION_METADATA} values (one per metadata record, an application's most): current count '${entries.length}'`,
    );
  }
  // Defined as own properties: a key `__proto__` (of valid characters)
  // assigned to a plain object would be dropped.
  return Object.fromEntries(entries.map(([key, value]) => {
    checkKey(CONNECTION_ACTION, "each key of 'metadata'", "metadata key", key);
    return [key, metadataValue(`metadata.${key}`, value)];
  }));
}

/** One value as the string Discord keeps (at most 100 characters). */
function metadataValue(field: string, value: unknown): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(
        `Cannot ${CONNECTION_ACTION} as '${field}' must be an integer (Discord compares integers, dates and booleans): current value '${field}=${value}'`,
      );
    }
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new RangeError(
        `Cannot ${CONNECTION_ACTION} as '${field}' must be a valid date: current value '${field}=Invalid Date'`,
      );
    }
    return value.toISOString();
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `Cannot ${CONNECTION_ACTION} as '${field}' must be a string, an integer, a boolean or a Date: current value '${field}=${
        shown(value)
      }'`,
    );
  }
  assertTextLength(CONNECTION_ACTION, field, value, 0, MAX_VALUE);
  return value;
}
