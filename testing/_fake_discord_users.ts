/**
 * The users a {@linkcode FakeDiscord} knows besides its REST resources'
 * (the bot and the members added there): the gateway's generated members
 * (`member1`, `member2`, ... of every guild, which GUILD_CREATE and op 8
 * list) and the simulated users who acted. A `<@id>` mention finds them,
 * and a mention in a guild's MESSAGE_CREATE carries their partial member,
 * as Discord's does. Private to the test kit.
 *
 * @module
 */
import type { RestUser } from "../rest/payloads.ts";
import type { PartialGuildMember } from "../types/objects/member.ts";
import type { FakeResources } from "./fake_resources.ts";
import { generatedMember } from "./_gateway_fixtures.ts";
import {
  type MentionDirectory,
  resourcesDirectory,
} from "./_message_mentions.ts";

/** The users a fake Discord knows, for mentions. */
export class KnownUsers {
  readonly #resources: FakeResources;
  readonly #guildIds: readonly string[];
  readonly #membersPerGuild: number;
  /** Simulated users by ID. */
  readonly #users = new Map<string, RestUser>();
  /**
   * Guild → user → when a simulated user joined, in the guilds the
   * resources do not hold; in one they hold, the resources' member is the
   * membership (REST finds it, a kick over REST ends it).
   */
  readonly #joined = new Map<string, Map<string, string>>();

  /**
   * @param resources The REST fake's resources (looked up first).
   * @param guildIds The gateway's guilds.
   * @param membersPerGuild The gateway's `membersPerGuild`.
   */
  constructor(
    resources: FakeResources,
    guildIds: readonly string[],
    membersPerGuild: number,
  ) {
    this.#resources = resources;
    this.#guildIds = guildIds;
    this.#membersPerGuild = membersPerGuild;
  }

  /**
   * A simulated user acted (posted, ran a command) in `guildId` (`null`: a
   * DM): they are a user from now on and, in a guild, one of its members
   * (only a member writes in a guild's channel).
   *
   * @param user The user.
   * @param guildId Where they acted.
   * @param at When, as an ISO timestamp (their `joined_at` if first).
   * @returns Whether they became a member of the guild just now (they
   *   were none: not the resources', not a generated one, not one who
   *   acted there and was not kicked since), so a GUILD_MEMBER_ADD is due;
   *   in a guild the resources hold, they are the resources' member now.
   */
  remember(user: RestUser, guildId: string | null, at: string): boolean {
    this.#users.set(user.id, structuredClone(user));
    if (guildId === null || this.member(guildId, user.id)) return false;
    if (this.#resources.guildOwner(guildId) !== undefined) {
      this.#resources.addMember(guildId, user, { joined_at: at });
    } else {
      let joined = this.#joined.get(guildId);
      if (!joined) this.#joined.set(guildId, joined = new Map());
      joined.set(user.id, at);
    }
    return true;
  }

  /**
   * A guild's members the gateway's generated ones leave out, in full (with
   * `user`): the resources' and, in a guild they do not hold, the
   * simulated users' who acted there.
   *
   * @param guildId The guild.
   * @returns Copies.
   */
  members(guildId: string): Record<string, unknown>[] {
    const held = this.#resources.members(guildId) as Record<string, unknown>[];
    const ids = new Set(held.map((m) => (m.user as RestUser).id));
    for (const [userId, at] of this.#joined.get(guildId) ?? []) {
      const user = this.#users.get(userId);
      if (!user || ids.has(userId)) continue;
      held.push({ user: structuredClone(user), ...joinedMember(at) });
    }
    return held;
  }

  /**
   * A user the resources do not hold: a simulated user, or a generated
   * member of one of the guilds.
   *
   * @param id The user ID.
   * @returns A copy, or `undefined`.
   */
  user(id: string): RestUser | undefined {
    const known = this.#users.get(id);
    if (known) return structuredClone(known);
    for (const guildId of this.#guildIds) {
      const member = generatedMember(guildId, id, this.#membersPerGuild);
      if (member) return member.user as RestUser;
    }
    return undefined;
  }

  /** The directory mentions look users and roles up in. */
  get directory(): MentionDirectory {
    return resourcesDirectory(this.#resources, (id) => this.user(id));
  }

  /**
   * A user's partial member (no `user`) in a guild, as a mention carries
   * it: the resources' member, the generated one, or a simulated user's
   * who acted there.
   *
   * @param guildId The guild.
   * @param userId The user.
   * @returns The partial member, or `undefined` when not a member.
   */
  member(guildId: string, userId: string): PartialGuildMember | undefined {
    const held = this.#resources.member(guildId, userId) ??
      generatedMember(guildId, userId, this.#membersPerGuild);
    if (held) {
      const { user: _user, ...partial } = held;
      return partial as unknown as PartialGuildMember;
    }
    const at = this.#joined.get(guildId)?.get(userId);
    return at === undefined ? undefined : joinedMember(at);
  }
}

/** The partial member of a simulated user who joined at `at`. */
function joinedMember(at: string): PartialGuildMember {
  return { roles: [], joined_at: at, deaf: false, mute: false, flags: 0 };
}
