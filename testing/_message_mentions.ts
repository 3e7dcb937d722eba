/**
 * The mentions Discord derives from a message's content, as the fake's
 * messages carry them: `mentions` (the users `<@id>` and `<@!id>` name),
 * `mention_roles` (`<@&id>`) and `mention_everyone` (`@everyone`, `@here`).
 * Private to the test kit.
 *
 * A bot reads them: without the `MESSAGE_CONTENT` intent Discord still sends
 * the content of a message that mentions the app (gateway.md, Message
 * Content Intent), and a fake whose messages never mentioned anyone blanked
 * it, so an "answer when @mentioned" bot failed its test and worked on
 * Discord.
 *
 * @module
 */
import { isRecord } from "../base/is_record.ts";
import type { RestMessage, RestUser } from "../rest/payloads.ts";
import type { FakeResources } from "./fake_resources.ts";

/** Who and what a mention may name, as a fake knows them. */
export interface MentionDirectory {
  /** A user by ID; `undefined` for an ID that names no user the fake knows. */
  user(id: string): RestUser | undefined;
  /** Whether the guild has the role. */
  hasRole(guildId: string, roleId: string): boolean;
}

/** The three mention fields of a message. */
export type MessageMentions = Pick<
  RestMessage,
  "mentions" | "mention_roles" | "mention_everyone"
>;

/** What else decides a message's mentions besides its content. */
export interface MentionContext {
  /**
   * The request's `allowed_mentions`: `undefined` or `null` (none sent)
   * mentions everything the content names.
   */
  allowed?: unknown;
  /** The author of the message a reply answers (mentioned by default). */
  repliedTo?: RestUser | undefined;
  /** The message's author (a reply to one's own message mentions no one). */
  authorId?: string | undefined;
}

const USER_MENTION = /<@!?(\d+)>/g;
const ROLE_MENTION = /<@&(\d+)>/g;
const EVERYONE_MENTION = /@(?:everyone|here)(?![\w-])/;

/**
 * The mentions of a message with `content`, in `guildId` (`null`: a DM).
 *
 * As on Discord: an ID that names no user the fake knows, or no role of
 * the guild, is left out; `@everyone` and `@here` count only in a guild;
 * `allowed_mentions` limits each kind (`parse`, `users`, `roles`), and a
 * reply mentions the replied-to author unless `allowed_mentions` is sent
 * without `replied_user: true`. Not modelled: the permissions behind a
 * mention (`MENTION_EVERYONE`, a role not mentionable), and mentions in
 * code blocks (counted like any other).
 *
 * @param content The message text.
 * @param guildId The guild, or `null` for a DM.
 * @param directory The users and roles the fake knows.
 * @param context `allowed_mentions`, the replied-to author, the author.
 * @returns `mentions` (first mention first, once each), `mention_roles`
 *   and `mention_everyone`.
 */
export function messageMentions(
  content: string,
  guildId: string | null,
  directory: MentionDirectory,
  context: MentionContext = {},
): MessageMentions {
  const allowed = isRecord(context.allowed) ? context.allowed : undefined;
  const parse = allowed === undefined
    ? ["users", "roles", "everyone"]
    : Array.isArray(allowed.parse)
    ? allowed.parse
    : [];
  const listed = (key: string): unknown[] =>
    allowed !== undefined && Array.isArray(allowed[key]) ? allowed[key] : [];
  const mayUser = (id: string): boolean =>
    parse.includes("users") || listed("users").includes(id);
  const mayRole = (id: string): boolean =>
    parse.includes("roles") || listed("roles").includes(id);

  const mentions: RestUser[] = [];
  const seen = new Set<string>();
  const add = (user: RestUser): void => {
    if (seen.has(user.id)) return;
    seen.add(user.id);
    mentions.push(user);
  };
  const replied = context.repliedTo;
  if (
    replied !== undefined && replied.id !== context.authorId &&
    (allowed === undefined || allowed.replied_user === true)
  ) add(structuredClone(replied));
  for (const [, id] of content.matchAll(USER_MENTION)) {
    if (!mayUser(id!)) continue;
    const user = directory.user(id!);
    if (user) add(user);
  }
  const roles: string[] = [];
  if (guildId !== null) {
    for (const [, id] of content.matchAll(ROLE_MENTION)) {
      if (
        !roles.includes(id!) && mayRole(id!) && directory.hasRole(guildId, id!)
      ) roles.push(id!);
    }
  }
  return {
    mentions,
    mention_roles: roles,
    mention_everyone: guildId !== null && parse.includes("everyone") &&
      EVERYONE_MENTION.test(content),
  };
}

/**
 * The directory of a fake REST API: its resources' users (the bot and the
 * guilds' members) and roles, then `more` for users known elsewhere.
 *
 * @param resources The fake's resources.
 * @param more Users the resources do not hold.
 * @returns The directory.
 */
export function resourcesDirectory(
  resources: FakeResources,
  more?: (id: string) => RestUser | undefined,
): MentionDirectory {
  return {
    user: (id) => resources.user(id) ?? more?.(id),
    hasRole: (guildId, roleId) =>
      resources.roles(guildId).some((role) => role.id === roleId),
  };
}
