/**
 * Guild message search (`GET /guilds/{guildId}/messages/search`): the
 * query checked against Discord's documented limits before anything is
 * sent, and the answer read for what it is: results, or the `202`
 * "index not yet available" that the client, taking any 2xx as a success,
 * would otherwise hand back as if it were results.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import { RestError, SearchIndexNotReadyError } from "../errors.ts";
import { secondsToMs } from "../rate_limit_headers.ts";
import { clampTimerDelay, MAX_TIMER_DELAY } from "../../base/scheduler.ts";
import { checkSnowflake } from "../../base/snowflake.ts";
import { isRecord } from "../../base/is_record.ts";
import { checkOptionKeys } from "../../base/option_keys.ts";
import {
  assertBooleanOption,
  assertOptionsObject,
  shownQuoted,
} from "../../base/option_checks.ts";
import { assertTextLength } from "../../base/text_length.ts";
import { checkNumber } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Message } from "../../types/objects/message.ts";
import type { Channel, ThreadMember } from "../../types/objects/channel.ts";

/** Who sent a message, for `author_type`. */
export type SearchAuthorType = "user" | "bot" | "webhook";

/**
 * What a message has, for `has`: `file` is any attachment, `snapshot` a
 * forwarded message.
 */
export type SearchHasType =
  | "image"
  | "sound"
  | "video"
  | "file"
  | "sticker"
  | "embed"
  | "link"
  | "poll"
  | "snapshot";

/**
 * An embed kind, for `embed_type`: Discord's search groups, not the
 * embed object's `type` (`gif` is a `gifv` embed; messages sent before
 * February 24, 2026 may not be indexed under it). Not negatable.
 */
export type SearchEmbedType = "image" | "video" | "gif" | "sound" | "article";

/** How results are sorted: by creation time (the default) or relevance. */
export type SearchSortBy = "timestamp" | "relevance";

/** The sort direction (default `desc`; ignored when sorting by relevance). */
export type SearchSortOrder = "asc" | "desc";

/**
 * Query of {@linkcode searchGuildMessages}, as Discord names it. Arrays are
 * sent as repeated keys (`?author_id=1&author_id=2`) in their order; an
 * empty array (and an empty `content`) is left out, as no filter.
 * `author_type` and `has` values may be negated with a leading `-`
 * (`"-bot"`: not sent by bots).
 */
export interface SearchGuildMessagesQuery {
  /** How many messages (1-25, default 25). */
  limit?: number;
  /** How many matching messages to skip (0-9975). */
  offset?: number;
  /** Messages before this message ID. */
  max_id?: Snowflake;
  /** Messages after this message ID. */
  min_id?: Snowflake;
  /** Most words skipped between the `content` tokens matched (0-100, default 2). */
  slop?: number;
  /** Text the messages hold (at most 1024 characters). */
  content?: string;
  /** In these channels (at most 500). */
  channel_id?: readonly Snowflake[];
  /** By these kinds of author, or (`-bot`) not (at most 100). */
  author_type?: readonly (SearchAuthorType | `-${SearchAuthorType}`)[];
  /** By these users (at most 100). */
  author_id?: readonly Snowflake[];
  /** Mentioning these users (at most 100). */
  mentions?: readonly Snowflake[];
  /** Mentioning these roles (at most 100). */
  mentions_role_id?: readonly Snowflake[];
  /** Mentioning, or not, @everyone. */
  mention_everyone?: boolean;
  /** Replying to these users (at most 100). */
  replied_to_user_id?: readonly Snowflake[];
  /** Replying to these messages (at most 100). */
  replied_to_message_id?: readonly Snowflake[];
  /** Pinned, or not. */
  pinned?: boolean;
  /** Having these things, or (`-link`) not (at most 100). */
  has?: readonly (SearchHasType | `-${SearchHasType}`)[];
  /** With embeds of these kinds (at most 100). */
  embed_type?: readonly SearchEmbedType[];
  /** With embeds from these providers, case-sensitive (`Tenor`; each at most 256 characters, at most 100). */
  embed_provider?: readonly string[];
  /** With links to these hosts (`discordapp.com`; each at most 256 characters, at most 100). */
  link_hostname?: readonly string[];
  /** With attachments of these file names (each at most 1024 characters, at most 100). */
  attachment_filename?: readonly string[];
  /** With attachments of these extensions (`txt`; each at most 256 characters, at most 100). */
  attachment_extension?: readonly string[];
  /** How to sort (default `timestamp`). */
  sort_by?: SearchSortBy;
  /** Which way to sort (default `desc`; ignored with `sort_by: "relevance"`). */
  sort_order?: SearchSortOrder;
  /** Whether to search age-restricted channels too (default false). */
  include_nsfw?: boolean;
}

/** A message as search returns it: without `reactions`. */
export type SearchedMessage = Omit<Message, "reactions">;

/** Answer of {@linkcode searchGuildMessages}. */
export interface GuildMessageSearchResults {
  /** Whether the guild is undergoing a deep historical indexing operation. */
  doing_deep_historical_index: boolean;
  /** Documents indexed during the current index operation, if any. */
  documents_indexed?: number;
  /**
   * How many messages match (may be off while messages are being created
   * or deleted).
   */
  total_results: number;
  /**
   * The messages, each in an array of its own: the nesting once carried
   * surrounding context, which Discord no longer returns. Without
   * `reactions`.
   */
  messages: SearchedMessage[][];
  /** The threads holding returned messages. */
  threads?: Channel[];
  /** The bot's thread member for each returned thread it has joined. */
  members?: ThreadMember[];
}

/** What the refusals say the call could not do. */
const ACTION = "search guild messages";

/**
 * The shortest wait a {@linkcode SearchIndexNotReadyError} gives, in ms.
 * Discord says to retry "after a short delay" when `retry_after` is 0 and
 * does not say how short: 1 s is the smallest step of the seconds it
 * counts in (its example says 2), an index is not built sooner than that,
 * and it keeps a retry loop from sending more than one search a second.
 * Applied to any shorter wait too (`0.2` s, negative, missing), as the
 * client's Cloudflare pause is at least 1 s.
 */
const MIN_RETRY_WAIT = 1000;

/** Discord's JSON code of an index not yet available. */
const INDEX_NOT_READY = 110000;

/** How one query key is checked and sent. */
type Param =
  | { kind: "integer"; min: number; max: number }
  | { kind: "snowflake" }
  | { kind: "text"; max: number }
  | { kind: "boolean" }
  | { kind: "choice"; values: readonly string[] }
  | { kind: "snowflakes"; items: number }
  | { kind: "texts"; items: number; max: number }
  | {
    kind: "choices";
    items: number;
    values: readonly string[];
    negatable: boolean;
  };

/**
 * Discord documents no item limit for `author_type`, `has` and
 * `embed_type`; they take the other arrays' 100 (more only repeats one of
 * a few values, and keeps the URL bounded).
 */
const ITEMS = 100;

/**
 * Every query key, in the docs' table order: the order they are sent in,
 * whatever the order of the caller's object.
 */
const PARAMS = {
  limit: { kind: "integer", min: 1, max: 25 },
  offset: { kind: "integer", min: 0, max: 9975 },
  max_id: { kind: "snowflake" },
  min_id: { kind: "snowflake" },
  slop: { kind: "integer", min: 0, max: 100 },
  content: { kind: "text", max: 1024 },
  channel_id: { kind: "snowflakes", items: 500 },
  author_type: {
    kind: "choices",
    items: ITEMS,
    values: ["user", "bot", "webhook"],
    negatable: true,
  },
  author_id: { kind: "snowflakes", items: 100 },
  mentions: { kind: "snowflakes", items: 100 },
  mentions_role_id: { kind: "snowflakes", items: 100 },
  mention_everyone: { kind: "boolean" },
  replied_to_user_id: { kind: "snowflakes", items: 100 },
  replied_to_message_id: { kind: "snowflakes", items: 100 },
  pinned: { kind: "boolean" },
  has: {
    kind: "choices",
    items: ITEMS,
    values: [
      "image",
      "sound",
      "video",
      "file",
      "sticker",
      "embed",
      "link",
      "poll",
      "snapshot",
    ],
    negatable: true,
  },
  embed_type: {
    kind: "choices",
    items: ITEMS,
    values: ["image", "video", "gif", "sound", "article"],
    negatable: false,
  },
  embed_provider: { kind: "texts", items: 100, max: 256 },
  link_hostname: { kind: "texts", items: 100, max: 256 },
  attachment_filename: { kind: "texts", items: 100, max: 1024 },
  attachment_extension: { kind: "texts", items: 100, max: 256 },
  sort_by: { kind: "choice", values: ["timestamp", "relevance"] },
  sort_order: { kind: "choice", values: ["asc", "desc"] },
  include_nsfw: { kind: "boolean" },
} as const satisfies Record<keyof SearchGuildMessagesQuery, Param>;

const PARAM_KEYS: readonly string[] = Object.keys(PARAMS);

/**
 * Search a guild's messages (`GET /guilds/{guildId}/messages/search`).
 *
 * Needs the `READ_MESSAGE_HISTORY` permission, and the application's
 * `MESSAGE_CONTENT` privileged intent enabled: Discord restricts the
 * endpoint by it. Results come without `reactions`.
 *
 * A guild not yet indexed for search is answered `202 Accepted` with no
 * results: this rejects with {@linkcode SearchIndexNotReadyError}, whose
 * `retryAfter` says how long to wait. The call does not retry on its
 * own (a search is usually someone waiting; the caller knows how long
 * is worth it): see the example.
 *
 * Paginate with `offset` (or `max_id`) and `total_results`, not by the
 * length of `messages`: Discord may return fewer than `limit` for
 * messages not accessed for a long time, with more still to come; and
 * `total_results` may be off while messages are being created or deleted.
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query What to search for, as Discord names it.
 * @param options Signal.
 * @returns The matching messages, each in an array of its own.
 * @throws {TypeError} Rejects, nothing sent, for a `guildId`, `max_id`,
 *   `min_id` or array item that is not a snowflake, a key none of the
 *   query's (the message names the nearest), a value of the wrong type, an
 *   `author_type`, `has`, `embed_type`, `sort_by` or `sort_order` value
 *   Discord does not take, or text holding a lone surrogate (half an
 *   emoji).
 * @throws {RangeError} Rejects, nothing sent, for `limit` (1-25),
 *   `offset` (0-9975) or `slop` (0-100) out of range or not an integer,
 *   `content` over 1024 characters, more than 500 `channel_id` or 100
 *   items of another array, or an item longer than its documented maximum.
 * @throws {SearchIndexNotReadyError} The guild is not indexed yet (202,
 *   code 110000): search again after its `retryAfter` ms.
 * @throws {RestError} A 2xx answer that is neither results nor the
 *   not-ready answer (no `messages` array of arrays, an error code).
 * @throws {DiscordApiError} Discord refused the search (403 without the
 *   permission or the intent, 400 for a query it refuses).
 *
 * @example Search, waiting for the index a few times
 * ```ts
 * import {
 *   RestClient,
 *   searchGuildMessages,
 *   type SearchGuildMessagesQuery,
 *   type GuildMessageSearchResults,
 *   SearchIndexNotReadyError,
 * } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * // Discord, here: not indexed on the first search, then one result.
 * let searches = 0;
 * const rest = new RestClient({
 *   token: "t",
 *   fetch: (input) => {
 *     assert.equal(
 *       String(input),
 *       "https://discord.com/api/v10/guilds/1/messages/search?limit=5&content=deploy&author_type=-bot",
 *     );
 *     const body = searches++ === 0
 *       ? { message: "Index not yet available. Try again later", code: 110000, documents_indexed: 0, retry_after: 2 }
 *       : { doing_deep_historical_index: false, total_results: 1, messages: [[{ id: "9", content: "deploy done" }]] };
 *     return Promise.resolve(Response.json(body, { status: searches === 1 ? 202 : 200 }));
 *   },
 * });
 *
 * async function searchWhenIndexed(
 *   guildId: string,
 *   query: SearchGuildMessagesQuery,
 *   wait = (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
 * ): Promise<GuildMessageSearchResults> {
 *   for (let attempt = 1; ; attempt++) {
 *     try {
 *       return await searchGuildMessages(rest, guildId, query);
 *     } catch (error) {
 *       // Give up after 3 searches, or when told to wait over 10 s.
 *       if (!(error instanceof SearchIndexNotReadyError)) throw error;
 *       if (attempt === 3 || error.retryAfter > 10_000) throw error;
 *       await wait(error.retryAfter);
 *     }
 *   }
 * }
 *
 * const waits: number[] = [];
 * const found = await searchWhenIndexed(
 *   "1",
 *   { content: "deploy", author_type: ["-bot"], limit: 5 },
 *   async (ms) => { waits.push(ms); }, // not to sleep in this example
 * );
 * assert.deepEqual(waits, [2000]);
 * assert.equal(found.messages[0]![0]!.content, "deploy done");
 * ```
 */
export async function searchGuildMessages(
  rest: RestClient,
  guildId: Snowflake,
  query: SearchGuildMessagesQuery = {},
  options: RouteOptions = {},
): Promise<GuildMessageSearchResults> {
  const path = `/guilds/${snowflake("guildId", guildId)}/messages/search`;
  const params = searchParams(query);
  const answer = await rest.request<unknown>(
    "GET",
    path,
    routeOptions(options, { query: params }),
  );
  return searchAnswer(answer, path);
}

/** The query as sent: checked, in the docs' key order, arrays repeated. */
function searchParams(query: SearchGuildMessagesQuery): URLSearchParams {
  assertOptionsObject(ACTION, query, "query");
  checkOptionKeys(ACTION, "", query, PARAM_KEYS);
  const params = new URLSearchParams();
  const given = query as Readonly<Record<string, unknown>>;
  for (const [key, param] of Object.entries(PARAMS) as [string, Param][]) {
    const value = given[key];
    if (value === undefined) continue;
    for (const sent of checked(key, param, value)) params.append(key, sent);
  }
  return params;
}

/** One key's values as sent (none for an empty array or `content`). */
function checked(name: string, param: Param, value: unknown): string[] {
  switch (param.kind) {
    case "integer":
      return [integer(name, value, param.min, param.max)];
    case "snowflake":
      return [checkSnowflake(ACTION, name, value)];
    case "text": {
      const text = textItem(name, value, 0, param.max);
      return text === "" ? [] : [text];
    }
    case "boolean":
      assertBooleanOption(ACTION, name, value);
      return [value ? "true" : "false"];
    case "choice":
      return [choice(name, value, param.values, false)];
    case "snowflakes":
      return items(name, value, param.items, "snowflakes").map((item, i) =>
        checkSnowflake(ACTION, `${name}[${i}]`, item)
      );
    case "texts":
      return items(name, value, param.items, "strings").map((item, i) =>
        textItem(`${name}[${i}]`, item, 1, param.max)
      );
    case "choices":
      return items(name, value, param.items, "strings").map((item, i) =>
        choice(`${name}[${i}]`, item, param.values, param.negatable)
      );
  }
}

/** An integer in `[min, max]`, as sent (checked as the other routes' numbers). */
function integer(
  name: string,
  value: unknown,
  min: number,
  max: number,
): string {
  checkNumber(ACTION, name, value, { min, max });
  return String(value);
}

/**
 * A string of `min` to `max` characters (code points, as Discord counts),
 * well-formed: `URLSearchParams` sends a lone surrogate as U+FFFD, a
 * search for another text.
 */
function textItem(
  name: string,
  value: unknown,
  min: number,
  max: number,
): string {
  assertTextLength(ACTION, name, value, min, max);
  if (!value.isWellFormed()) {
    throw new TypeError(
      `Cannot ${ACTION} as '${name}' must be well-formed text (it holds a lone surrogate, half of an emoji): current value '${name}=${
        shownQuoted(value)
      }'`,
    );
  }
  return value;
}

/**
 * An array of at most `max` items (each checked by the caller), copied
 * with each item read once: a hole is `undefined`, which the item's check
 * refuses (`map` skipped it, and `URLSearchParams` sent it as the text
 * `undefined`).
 */
function items(
  name: string,
  value: unknown,
  max: number,
  of: string,
): unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${ACTION} as '${name}' must be an array of ${of} (each sent as its own '${name}='): current value '${name}=${
        shownQuoted(value)
      }'`,
    );
  }
  const length = value.length;
  if (length > max) {
    throw new RangeError(
      `Cannot ${ACTION} as '${name}' must have at most ${max} items: current length '${length}'`,
    );
  }
  return Array.from({ length }, (_, i): unknown => value[i]);
}

/** One of `values`, or (when `negatable`) one of them after a `-`. */
function choice(
  name: string,
  value: unknown,
  values: readonly string[],
  negatable: boolean,
): string {
  if (typeof value === "string") {
    const bare = negatable && value.startsWith("-") ? value.slice(1) : value;
    if (values.includes(bare)) return value;
  }
  const negation = negatable ? ", each may be negated with a leading '-'" : "";
  throw new TypeError(
    `Cannot ${ACTION} as '${name}' must be one of ${
      values.join(", ")
    }${negation}: current value '${name}=${shownQuoted(value)}'`,
  );
}

/**
 * The answer as results, or the error it stands for. The client gives a
 * 2xx's parsed body whatever its status, so the not-ready answer (202) is
 * told apart by its body: its code 110000, which results never carry.
 */
function searchAnswer(
  answer: unknown,
  path: string,
): GuildMessageSearchResults {
  if (isRecord(answer) && answer.code === INDEX_NOT_READY) {
    throw notReady(answer, path);
  }
  const fault = resultsFault(answer);
  if (fault !== undefined) {
    // Only our own words: the body is the peer's, and a hostile one could
    // echo the request's Authorization header back.
    throw new RestError(
      `GET ${path} answered with a body that is neither search results nor Discord's "index not yet available" (code 110000): ${fault}`,
      { method: "GET", path },
    );
  }
  return answer as unknown as GuildMessageSearchResults;
}

/** What keeps `answer` from being search results, or `undefined`. */
function resultsFault(answer: unknown): string | undefined {
  if (answer === undefined) return "it is empty";
  if (!isRecord(answer)) return "it is not a JSON object";
  if (answer.code !== undefined) {
    const code = Number.isSafeInteger(answer.code) ? ` ${answer.code}` : "";
    return `it carries an error code${code} and no results`;
  }
  const { messages, total_results, doing_deep_historical_index } = answer;
  if (!Array.isArray(messages)) return "its 'messages' is not an array";
  for (let i = 0; i < messages.length; i++) {
    const group: unknown = messages[i];
    if (!Array.isArray(group) || !group.every(isRecord)) {
      return `its 'messages[${i}]' is not an array of messages`;
    }
  }
  if (!isCount(total_results)) {
    return "its 'total_results' is not a count";
  }
  if (typeof doing_deep_historical_index !== "boolean") {
    return "its 'doing_deep_historical_index' is not a boolean";
  }
  for (const key of ["threads", "members"] as const) {
    const list = answer[key];
    if (list !== undefined && (!Array.isArray(list) || !list.every(isRecord))) {
      return `its '${key}' is not an array of objects`;
    }
  }
  if (
    answer.documents_indexed !== undefined &&
    !isCount(answer.documents_indexed)
  ) {
    return "its 'documents_indexed' is not a count";
  }
  return undefined;
}

/** A whole number >= 0. */
function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * The not-ready answer as an error: its `retry_after` seconds as ms,
 * rounded up, at least {@linkcode MIN_RETRY_WAIT}, at most
 * `MAX_TIMER_DELAY` (past it, `setTimeout` fires at once: a retry loop
 * told to wait 10^12 ms would spin).
 */
function notReady(
  answer: Readonly<Record<string, unknown>>,
  path: string,
): SearchIndexNotReadyError {
  const given = answer.retry_after;
  let retryAfter = MIN_RETRY_WAIT;
  let retryAfterNote: string | undefined;
  if (typeof given !== "number" || Number.isNaN(given)) {
    retryAfterNote =
      `the answer's retry_after is missing or not a number: waiting ${MIN_RETRY_WAIT} ms`;
  } else {
    // secondsToMs: rounded up, never negative, at most MAX_READ_WAIT.
    const asked = clampTimerDelay(secondsToMs(given));
    if (asked >= MIN_RETRY_WAIT) {
      retryAfter = asked;
      if (asked === MAX_TIMER_DELAY && given * 1000 > MAX_TIMER_DELAY) {
        retryAfterNote =
          `the answer's retry_after is ${given} s: cut to the longest a timer waits`;
      }
    } else {
      retryAfterNote = given === 0
        ? `the answer's retry_after is 0, "after a short delay": waiting ${MIN_RETRY_WAIT} ms`
        : `the answer's retry_after is ${given} s: waiting at least ${MIN_RETRY_WAIT} ms`;
    }
  }
  const indexed = answer.documents_indexed;
  return new SearchIndexNotReadyError({
    method: "GET",
    path,
    retryAfter,
    documentsIndexed: isCount(indexed) ? indexed : undefined,
    retryAfterNote,
  });
}
