/**
 * The REST fake's guild message search (`GET /guilds/{id}/messages/search`,
 * message.mdx "Search Guild Messages"): the query checked against the
 * docs' limits (a 400 `50035` tree otherwise, as Discord answers), the
 * stored messages filtered, sorted and paged, and the answer nested as
 * Discord nests it; and the `202` "index not yet available" a test
 * scripts. Private to the test kit.
 *
 * What it models, over the messages of the guild's stored channels (threads
 * included; ephemeral replies never, as no channel route reaches them):
 *
 * - `content`: every word of the query is a word of the message's content,
 *   in any order, case-insensitive (words: runs of letters, digits and
 *   `_`). An approximation of Discord's token matching: no stemming, no
 *   phrases, embeds and attachments not searched; `slop` is checked
 *   (0-100) and otherwise ignored. A query with no word filters nothing.
 * - `author_type`: `webhook` for a message with a `webhook_id` that is not
 *   its `application_id` (an interaction's answer carries its
 *   application's id there: it is the bot's), `bot` for another whose
 *   author has `bot: true`, `user` for the rest.
 * - `has`: `file` any attachment; `image`, `video`, `sound` an attachment
 *   of that `content_type` (`image/`, `video/`, `audio/`) or, for `image`
 *   and `video`, an embed of that `type` or with that field; `embed` any
 *   embed; `link` an `http(s)://` URL in the content; `poll` a `poll`;
 *   `sticker` `sticker_items` (or `stickers`); `snapshot`
 *   `message_snapshots`. As far as the stored message shows them: a
 *   message created over REST keeps no poll or stickers.
 * - `embed_type` by embed `type` (`gif` is `gifv`; `sound` matches none,
 *   no embed type being one), `embed_provider` by `provider.name`
 *   (case-sensitive), `link_hostname` by the content's URLs' hosts,
 *   `attachment_filename` and `attachment_extension` by the attachments'
 *   `filename` (case-insensitive).
 * - `replied_to_message_id` a reply's (not a forward's)
 *   `message_reference.message_id`, `replied_to_user_id` its
 *   `referenced_message`'s author.
 * - An array's values are alternatives (any may hold); negated ones
 *   (`-bot`) must all hold; the keys all apply together. A `channel_id`
 *   of no channel of the guild matches nothing.
 * - `include_nsfw`: a channel with `nsfw: true`, or a thread of one, is
 *   left out unless it is true.
 * - `sort_by: "relevance"`: most occurrences of the query's words first,
 *   then newest; `sort_order` ignored, as the docs say. `timestamp` (the
 *   default) sorts by id, `sort_order` `desc` by default.
 *
 * @module
 */
import type { RestMessage } from "../rest/payloads.ts";
import { isSnowflake } from "../base/snowflake.ts";
import { textLength } from "../base/text_length.ts";
import {
  fieldError,
  notNumber,
  numberMax,
  numberMin,
  put,
  tooLong,
  type Tree,
} from "./_form_errors.ts";
import type { FakeChannel, FakeThreadMember } from "./fake_resources.ts";
import { THREAD_TYPES } from "./_thread_types.ts";

/** Options for `FakeRest.scriptSearchIndexPending`. */
export interface ScriptSearchIndexOptions {
  /**
   * The guild whose searches get it; without it, the next searches of any
   * guild.
   */
  guildId?: string;
  /**
   * Seconds to wait (`retry_after`; Discord's `0` means "a short delay").
   *
   * @default {2}
   */
  retryAfter?: number;
  /**
   * The answer's `documents_indexed`.
   *
   * @default {0}
   */
  documentsIndexed?: number;
  /**
   * How many searches get it (a search refused with a 400 or 404 takes
   * none); the next ones get results.
   *
   * @default {1}
   */
  times?: number;
}

/** What the search reads of the fake's state. */
export interface SearchSource {
  /** The guild searched. */
  guildId: string;
  /** Every message a channel route reaches (no ephemeral reply). */
  messages: readonly RestMessage[];
  /** A stored channel or thread. */
  channel(id: string): FakeChannel | undefined;
  /** The bot's thread member of a thread it joined. */
  botThreadMember(threadId: string): FakeThreadMember | undefined;
}

/** A search answer: the status and body the route gives. */
export interface SearchReply {
  /** 200, or 202 for an index not ready. */
  status: number;
  /** The JSON body. */
  body: Record<string, unknown>;
}

/** How one query key is checked. */
type Param =
  | { kind: "int"; min: number; max: number; default: number }
  | { kind: "snowflake" }
  | { kind: "text"; max: number }
  | { kind: "boolean" }
  | { kind: "choice"; values: readonly string[] }
  | { kind: "snowflakes"; items: number }
  | { kind: "texts"; items: number; max: number }
  | { kind: "choices"; values: readonly string[] };

const AUTHOR_TYPES = ["user", "bot", "webhook"] as const;
const HAS_TYPES = [
  "image",
  "sound",
  "video",
  "file",
  "sticker",
  "embed",
  "link",
  "poll",
  "snapshot",
] as const;
const negatable = (values: readonly string[]): string[] => [
  ...values,
  ...values.map((value) => `-${value}`),
];

/** The docs' query table (no item limit documented: none checked). */
const PARAMS: Record<string, Param> = {
  limit: { kind: "int", min: 1, max: 25, default: 25 },
  offset: { kind: "int", min: 0, max: 9975, default: 0 },
  max_id: { kind: "snowflake" },
  min_id: { kind: "snowflake" },
  slop: { kind: "int", min: 0, max: 100, default: 2 },
  content: { kind: "text", max: 1024 },
  channel_id: { kind: "snowflakes", items: 500 },
  author_type: { kind: "choices", values: negatable(AUTHOR_TYPES) },
  author_id: { kind: "snowflakes", items: 100 },
  mentions: { kind: "snowflakes", items: 100 },
  mentions_role_id: { kind: "snowflakes", items: 100 },
  mention_everyone: { kind: "boolean" },
  replied_to_user_id: { kind: "snowflakes", items: 100 },
  replied_to_message_id: { kind: "snowflakes", items: 100 },
  pinned: { kind: "boolean" },
  has: { kind: "choices", values: negatable(HAS_TYPES) },
  embed_type: {
    kind: "choices",
    values: ["image", "video", "gif", "sound", "article"],
  },
  embed_provider: { kind: "texts", items: 100, max: 256 },
  link_hostname: { kind: "texts", items: 100, max: 256 },
  attachment_filename: { kind: "texts", items: 100, max: 1024 },
  attachment_extension: { kind: "texts", items: 100, max: 256 },
  sort_by: { kind: "choice", values: ["timestamp", "relevance"] },
  sort_order: { kind: "choice", values: ["asc", "desc"] },
  include_nsfw: { kind: "boolean" },
};

/** Discord's boolean query strings (reference.mdx). */
const BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  True: true,
  "1": true,
  false: false,
  False: false,
  "0": false,
};

/**
 * The query's errors as Discord's `errors` tree: every key's, keys it does
 * not document ignored.
 *
 * @param query The request's query.
 * @returns The tree, or `undefined` when the query is valid.
 */
export function searchQueryErrors(query: URLSearchParams): Tree | undefined {
  const tree: Tree = {};
  for (const [key, param] of Object.entries(PARAMS)) {
    const values = query.getAll(key);
    if (values.length === 0) continue;
    put(tree, key, paramErrors(param, values));
  }
  return Object.keys(tree).length > 0 ? tree : undefined;
}

/** One key's errors (`values` as sent; scalars read the first). */
function paramErrors(param: Param, values: string[]): Tree | undefined {
  const value = values[0]!;
  switch (param.kind) {
    case "int": {
      if (!/^-?\d+$/.test(value)) return notNumber(value, "int");
      const number = Number(value);
      if (number < param.min) return numberMin(param.min);
      return number > param.max ? numberMax(param.max) : undefined;
    }
    case "snowflake":
      return isSnowflake(value) ? undefined : notNumber(value, "snowflake");
    case "text":
      return textLength(value) > param.max ? tooLong(param.max) : undefined;
    case "boolean":
      // Own keys only: `in` took "constructor" and "toString" for booleans.
      return Object.hasOwn(BOOLEANS, value)
        ? undefined
        : fieldError("BASE_TYPE_BOOLEAN", "Must be either true or false.");
    case "choice":
      return param.values.includes(value) ? undefined : notEnum(value);
  }
  if ("items" in param && values.length > param.items) {
    return tooLong(param.items);
  }
  const tree: Tree = {};
  values.forEach((item, i) => {
    const error = param.kind === "snowflakes"
      ? (isSnowflake(item) ? undefined : notNumber(item, "snowflake"))
      : param.kind === "texts"
      ? (textLength(item) > param.max ? tooLong(param.max) : undefined)
      : (param.values.includes(item) ? undefined : notEnum(item));
    put(tree, String(i), error);
  });
  return tree;
}

function notEnum(value: string): Tree {
  return fieldError(
    "ENUM_TYPE_COERCE",
    `Value "${value}" is not a valid enum value.`,
  );
}

/**
 * The results of a valid query (see the module notes for what is matched).
 *
 * @param query The request's query, checked by
 *   {@linkcode searchQueryErrors}.
 * @param source The guild and the fake's messages and channels.
 * @returns Discord's answer body.
 */
export function searchResults(
  query: URLSearchParams,
  source: SearchSource,
): Record<string, unknown> {
  const wanted = matcher(query, source);
  const found = source.messages.filter(wanted);
  const byId = (a: RestMessage, b: RestMessage): number =>
    BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0;
  if (query.get("sort_by") === "relevance") {
    const words = queryWords(query);
    const score = (m: RestMessage): number =>
      contentWords(m.content).filter((word) => words.includes(word)).length;
    found.sort((a, b) => score(b) - score(a) || byId(b, a));
  } else if (query.get("sort_order") === "asc") found.sort(byId);
  else found.sort((a, b) => byId(b, a));
  const offset = Number(query.get("offset") ?? 0);
  const limit = Number(query.get("limit") ?? 25);
  const page = found.slice(offset, offset + limit).map((message) => {
    const { reactions: _, ...searched } = structuredClone(message);
    return [searched];
  });
  const threads: FakeChannel[] = [];
  for (const [message] of page) {
    const channel = source.channel(message!.channel_id);
    if (
      channel && THREAD_TYPES.has(channel.type) &&
      !threads.some((thread) => thread.id === channel.id)
    ) threads.push(channel);
  }
  const body: Record<string, unknown> = {
    doing_deep_historical_index: false,
    total_results: found.length,
    messages: page,
  };
  if (threads.length > 0) {
    body.threads = threads;
    body.members = threads.flatMap((thread) =>
      source.botThreadMember(thread.id) ?? []
    );
  }
  return body;
}

/**
 * Discord's `202` for a guild not yet indexed (message.mdx's example).
 *
 * @param options The scripted wait and count.
 * @returns The reply.
 */
export function indexNotReady(options: ScriptSearchIndexOptions): SearchReply {
  return {
    status: 202,
    body: {
      message: "Index not yet available. Try again later",
      code: 110000,
      documents_indexed: options.documentsIndexed ?? 0,
      retry_after: options.retryAfter ?? 2,
    },
  };
}

/** The words of a text, lower case (see the module notes). */
function contentWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

function queryWords(query: URLSearchParams): string[] {
  return contentWords(query.get("content") ?? "");
}

/** Whether a message passes every filter of the query. */
function matcher(
  query: URLSearchParams,
  source: SearchSource,
): (message: RestMessage) => boolean {
  const words = queryWords(query);
  const flag = (key: string): boolean | undefined =>
    query.has(key) ? BOOLEANS[query.get(key)!] : undefined;
  const includeNsfw = flag("include_nsfw") === true;
  const maxId = query.get("max_id");
  const minId = query.get("min_id");
  const tests: ((message: RestMessage) => boolean)[] = [
    (m) => {
      const channel = source.channel(m.channel_id);
      if (channel?.guild_id !== source.guildId) return false;
      const parent = THREAD_TYPES.has(channel.type) &&
          typeof channel.parent_id === "string"
        ? source.channel(channel.parent_id)
        : undefined;
      return includeNsfw ||
        (channel.nsfw !== true && parent?.nsfw !== true);
    },
  ];
  if (maxId !== null) tests.push((m) => BigInt(m.id) < BigInt(maxId));
  if (minId !== null) tests.push((m) => BigInt(m.id) > BigInt(minId));
  if (words.length > 0) {
    tests.push((m) => {
      const have = new Set(contentWords(m.content));
      return words.every((word) => have.has(word));
    });
  }
  for (const key of ["mention_everyone", "pinned"] as const) {
    const wanted = flag(key);
    if (wanted !== undefined) tests.push((m) => m[key] === wanted);
  }
  const any = (
    key: string,
    of: (m: RestMessage) => readonly string[],
    fold = (value: string): string => value,
  ): void => {
    const values = query.getAll(key).map(fold);
    if (values.length === 0) return;
    tests.push((m) => of(m).some((value) => values.includes(fold(value))));
  };
  const lower = (value: string): string => value.toLowerCase();
  any("channel_id", (m) => [m.channel_id]);
  any("author_id", (m) => [m.author.id]);
  any("mentions", (m) => m.mentions.map((user) => user.id));
  any("mentions_role_id", (m) => m.mention_roles);
  any("replied_to_message_id", (m) => {
    const id = reply(m)?.message_id;
    return id === undefined ? [] : [id];
  });
  any("replied_to_user_id", (m) => {
    const id = reply(m) && m.referenced_message?.author.id;
    return id ? [id] : [];
  });
  any(
    "embed_type",
    (m) =>
      m.embeds.flatMap((e) =>
        e.type === "gifv" ? ["gif"] : e.type === undefined ? [] : [e.type]
      ),
  );
  any("embed_provider", (m) => m.embeds.flatMap((e) => e.provider?.name ?? []));
  any("link_hostname", (m) => links(m.content), lower);
  any(
    "attachment_filename",
    (m) => m.attachments.map((a) => a.filename),
    lower,
  );
  any(
    "attachment_extension",
    // After the last dot: a name without one has no extension ("txt"
    // was its own extension).
    (m) =>
      m.attachments.flatMap((a) => {
        const dot = a.filename.lastIndexOf(".");
        return dot === -1 ? [] : [a.filename.slice(dot + 1)];
      }),
    lower,
  );
  choices(query.getAll("author_type"), (m) => [authorType(m)], tests);
  choices(query.getAll("has"), has, tests);
  return (message) => tests.every((test) => test(message));
}

/**
 * A choice filter: any of the plain values holds (when one is given), none
 * of the negated ones does.
 */
function choices(
  values: string[],
  of: (m: RestMessage) => string[],
  tests: ((message: RestMessage) => boolean)[],
): void {
  const plain = values.filter((value) => !value.startsWith("-"));
  const negated = values.filter((value) => value.startsWith("-")).map((
    value,
  ) => value.slice(1));
  if (values.length === 0) return;
  tests.push((m) => {
    const kinds = of(m);
    return (plain.length === 0 || plain.some((kind) => kinds.includes(kind))) &&
      !negated.some((kind) => kinds.includes(kind));
  });
}

/** A reply's reference (not a forward's). */
function reply(m: RestMessage): RestMessage["message_reference"] {
  const reference = m.message_reference;
  return reference && (reference.type ?? 0) === 0 ? reference : undefined;
}

/** Who sent it, for `author_type` (see the module notes). */
function authorType(m: RestMessage): string {
  if (m.webhook_id !== undefined && m.webhook_id !== m.application_id) {
    return "webhook";
  }
  return m.author.bot === true ? "bot" : "user";
}

/** The hosts of the content's `http(s)://` URLs. */
function links(content: string): string[] {
  return [...content.matchAll(/https?:\/\/([^\s/?#<>]+)/gi)].map((match) =>
    match[1]!.replace(/:\d+$/, "").replace(/^[^@]*@/, "")
  );
}

/** What a message has, for `has` (see the module notes). */
function has(m: RestMessage): string[] {
  const kinds: string[] = [];
  const typed = (prefix: string): boolean =>
    m.attachments.some((a) => a.content_type?.startsWith(prefix) === true);
  if (m.attachments.length > 0) kinds.push("file");
  if (
    typed("image/") ||
    m.embeds.some((e) => e.type === "image" || e.image !== undefined)
  ) kinds.push("image");
  if (
    typed("video/") ||
    m.embeds.some((e) => e.type === "video" || e.video !== undefined)
  ) kinds.push("video");
  if (typed("audio/")) kinds.push("sound");
  if (m.embeds.length > 0) kinds.push("embed");
  if (links(m.content).length > 0) kinds.push("link");
  if (m.poll !== undefined) kinds.push("poll");
  if ((m.sticker_items ?? m.stickers ?? []).length > 0) kinds.push("sticker");
  if ((m.message_snapshots ?? []).length > 0) kinds.push("snapshot");
  return kinds;
}
