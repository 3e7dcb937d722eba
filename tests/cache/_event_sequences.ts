// Random but valid dispatch sequences for the cache's property test, and a
// simple reference model of what the cache should hold after each one
// (Redis-style keys -> Discord JSON), written independently of the core.
import { mulberry32 } from "../_fakes/prng.ts";

export type Dispatch = [event: string, data: Record<string, unknown>];
type V = Record<string, unknown>;

// Guild ids on both shards of two ((id >> 22) % 2: 1, 0, 1, 0), so a
// READY of one shard can be told from the other's guilds.
const GUILDS = [1n, 2n, 3n, 4n].map((n) => String(n << 22n));
const BOT_ID = "4999";
const USERS = Array.from({ length: 12 }, (_, i) => String(5000 + i));
const PER_CHANNEL = 5;

export const PROPERTY_PER_CHANNEL = PER_CHANNEL;

/** A user with the fields every user has. */
export function user(id: string): V {
  return {
    id,
    username: `user${id}`,
    discriminator: "0",
    global_name: null,
    avatar: null,
  };
}

/** A thread marked archived (the cache holds active threads only). */
export function isArchived(thread: V): boolean {
  return (thread.thread_metadata as V | undefined)?.archived === true;
}

function time(n: number): string {
  return new Date(1_700_000_000_000 + n * 1000).toISOString().slice(0, 23) +
    "000+00:00";
}

/** The reference model: Redis-style keys to values. */
export class Model {
  readonly entries = new Map<string, V>();
  /**
   * Presences by `presence:G:U`, apart from {@linkcode entries}: the memory
   * store's test keeps them, the Redis store's tests do not.
   */
  readonly presences = new Map<string, V>();
  #nextId = 10_000;

  nextId(): string {
    return String(this.#nextId++);
  }

  #removeChannel(channelId: string): void {
    this.entries.delete(`channel:${channelId}`);
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(`message:${channelId}:`)) this.entries.delete(key);
    }
  }

  /**
   * The users by `user:U`: those a held member or message refers to (the
   * cache keeps a user as long as one does, and no other). The generator
   * sends one user object per id, so which holder's is taken is no matter.
   */
  users(): Map<string, V> {
    const users = new Map<string, V>();
    for (const [key, value] of this.entries) {
      const held = key.startsWith("member:")
        ? value.user
        : key.startsWith("message:")
        ? value.author
        : undefined;
      if (held !== undefined) users.set(`user:${(held as V).id}`, held as V);
    }
    return users;
  }

  /** Keep a GUILD_CREATE's or a chunk's presences; an offline one is none. */
  #keepPresences(guildId: string, presences: unknown): void {
    for (const p of (presences as V[] | undefined) ?? []) {
      const key = `presence:${guildId}:${(p.user as V).id}`;
      if (p.status === "offline") this.presences.delete(key);
      else this.presences.set(key, { ...p, guild_id: guildId });
    }
  }

  /** Whether thread `t`'s parent is held in its guild. */
  #parentHeld(t: V): boolean {
    const parent = this.entries.get(`channel:${t.parent_id}`);
    return parent !== undefined && parent.guild_id === t.guild_id;
  }

  /** Keep a channel's newest PER_CHANNEL messages. */
  #trim(channelId: string): void {
    const ids = [...this.entries.keys()]
      .filter((k) => k.startsWith(`message:${channelId}:`))
      .map((k) => k.split(":")[2]!)
      .sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    for (const id of ids.slice(0, Math.max(0, ids.length - PER_CHANNEL))) {
      this.entries.delete(`message:${channelId}:${id}`);
    }
  }

  #removeGuild(guildId: string): void {
    for (const [key, value] of [...this.entries]) {
      if (key.startsWith("channel:") && value.guild_id === guildId) {
        this.#removeChannel(key.slice(8));
      }
      if (/^(role|member):/.test(key) && key.split(":")[1] === guildId) {
        this.entries.delete(key);
      }
    }
    this.entries.delete(`guild:${guildId}`);
    for (const key of [...this.presences.keys()]) {
      if (key.startsWith(`presence:${guildId}:`)) this.presences.delete(key);
    }
  }

  apply([event, d]: Dispatch): void {
    const e = this.entries;
    switch (event) {
      case "READY": {
        // Every guild of the session's shard is listed; the rest of that
        // shard's cached guilds were left.
        const [shardId, count] = (d.shard as [number, number]) ?? [0, 1];
        const listed = new Set((d.guilds as V[]).map((g) => g.id as string));
        for (const key of [...e.keys()]) {
          if (!key.startsWith("guild:")) continue;
          const id = key.slice(6);
          const shard = Number((BigInt(id) >> 22n) % BigInt(count));
          if (shard === shardId && !listed.has(id)) this.#removeGuild(id);
        }
        e.set("bot_user", d.user as V);
        // Discord: the listed guilds start out unavailable (until their
        // GUILD_CREATE); a held one keeps what is known.
        for (const id of listed) {
          e.set(`guild:${id}`, {
            ...(e.get(`guild:${id}`) ?? { id }),
            unavailable: true,
          });
        }
        return;
      }
      case "GUILD_CREATE": {
        const id = d.id as string;
        this.#removeGuild(id);
        e.set(`guild:${id}`, {
          id,
          name: d.name,
          member_count: d.member_count,
        });
        for (const c of d.channels as V[]) {
          e.set(`channel:${c.id}`, { ...c, guild_id: id });
        }
        // Its active threads (an archived one listed is not held).
        for (const t of d.threads as V[]) {
          if (!isArchived(t)) e.set(`channel:${t.id}`, { ...t, guild_id: id });
        }
        for (const r of d.roles as V[]) e.set(`role:${id}:${r.id}`, r);
        for (const m of d.members as V[]) {
          e.set(`member:${id}:${(m.user as V).id}`, { ...m, guild_id: id });
        }
        this.#keepPresences(id, d.presences);
        return;
      }
      case "GUILD_DELETE": {
        const id = d.id as string;
        if (d.unavailable) {
          e.set(`guild:${id}`, {
            ...(e.get(`guild:${id}`) ?? { id }),
            unavailable: true,
          });
        } else this.#removeGuild(id);
        return;
      }
      case "GUILD_MEMBERS_CHUNK":
        for (const m of d.members as V[]) {
          e.set(`member:${d.guild_id}:${(m.user as V).id}`, {
            ...m,
            guild_id: d.guild_id,
          });
        }
        this.#keepPresences(d.guild_id as string, d.presences);
        // The only word that a member left: its presence goes too.
        for (const id of (d.not_found as string[] | undefined) ?? []) {
          e.delete(`member:${d.guild_id}:${id}`);
          this.presences.delete(`presence:${d.guild_id}:${id}`);
        }
        return;
      case "GUILD_MEMBER_ADD":
      case "GUILD_MEMBER_REMOVE": {
        const key = `member:${d.guild_id}:${(d.user as V).id}`;
        const guild = e.get(`guild:${d.guild_id}`);
        // Discord documents GUILD_MEMBER_ADD as possibly sent for a user
        // already a member: that one is not counted again.
        const counted = event === "GUILD_MEMBER_REMOVE" || !e.has(key);
        if (event === "GUILD_MEMBER_ADD") e.set(key, { ...d });
        else {
          // One who left has no presence in the guild.
          e.delete(key);
          this.presences.delete(`presence:${d.guild_id}:${(d.user as V).id}`);
        }
        if (counted && guild && typeof guild.member_count === "number") {
          e.set(`guild:${d.guild_id}`, {
            ...guild,
            member_count: Math.max(
              0,
              guild.member_count + (event === "GUILD_MEMBER_ADD" ? 1 : -1),
            ),
          });
        }
        return;
      }
      case "GUILD_MEMBER_UPDATE": {
        const key = `member:${d.guild_id}:${(d.user as V).id}`;
        // One not held is kept only from a whole member object.
        if (!e.has(key) && typeof d.deaf !== "boolean") return;
        e.set(key, { ...(e.get(key) ?? {}), ...d });
        return;
      }
      case "GUILD_ROLE_CREATE":
        e.set(`role:${d.guild_id}:${(d.role as V).id}`, d.role as V);
        return;
      case "GUILD_ROLE_DELETE":
        e.delete(`role:${d.guild_id}:${d.role_id}`);
        for (const [key, member] of [...e]) {
          const roles = member.roles as string[] | undefined;
          if (
            key.startsWith(`member:${d.guild_id}:`) &&
            roles?.includes(d.role_id as string)
          ) {
            e.set(key, {
              ...member,
              roles: roles.filter((r) => r !== d.role_id),
            });
          }
        }
        return;
      case "CHANNEL_CREATE":
        e.set(`channel:${d.id}`, d);
        return;
      case "CHANNEL_DELETE":
        this.#removeChannel(d.id as string);
        // Its threads go with it.
        for (const [key, value] of [...e]) {
          if (key.startsWith("channel:") && value.parent_id === d.id) {
            this.#removeChannel(key.slice(8));
          }
        }
        return;
      case "THREAD_CREATE":
      case "THREAD_UPDATE":
        // Active threads only (Discord's threads docs: archived ones are
        // not synced, and keeping them all "may be quite prohibitive"): one
        // archived goes with its messages; unarchived, it is back.
        if (isArchived(d)) this.#removeChannel(d.id as string);
        // Kept only under a parent held in its guild: one unarchived after
        // its parent's delete would stay for good.
        else if (this.#parentHeld(d)) e.set(`channel:${d.id}`, d);
        return;
      case "THREAD_DELETE":
        this.#removeChannel(d.id as string);
        return;
      case "THREAD_LIST_SYNC": {
        // The synced channels' threads are the listed active ones; one
        // listed archived goes whatever its parent.
        const listed = d.threads as V[];
        const active = listed.filter((t) => !isArchived(t));
        const activeIds = new Set(active.map((t) => t.id));
        const archived = new Set(listed.filter(isArchived).map((t) => t.id));
        const parents = d.channel_ids as unknown[] | undefined;
        for (const [key, value] of [...e]) {
          if (!key.startsWith("channel:") || value.type !== 11) continue;
          const id = key.slice(8);
          if (value.guild_id !== d.guild_id || activeIds.has(id)) continue;
          if (
            archived.has(id) || parents === undefined ||
            parents.includes(value.parent_id)
          ) this.#removeChannel(id);
        }
        for (const t of active.filter((t) => this.#parentHeld(t))) {
          e.set(`channel:${t.id}`, { ...t, guild_id: d.guild_id });
        }
        return;
      }
      case "MESSAGE_CREATE": {
        // The bot's ephemeral reply (flag 64; Discord sends it to the bot
        // alone, without guild_id) is none of the channel's messages.
        if (typeof d.flags === "number" && (d.flags & 64) !== 0) return;
        e.set(`message:${d.channel_id}:${d.id}`, d);
        // Discord documents tracking a channel's last_message_id from
        // MESSAGE_CREATE (no CHANNEL_UPDATE comes for it).
        const channel = e.get(`channel:${d.channel_id}`);
        if (channel !== undefined) {
          e.set(`channel:${d.channel_id}`, {
            ...channel,
            last_message_id: d.id,
          });
        }
        this.#trim(d.channel_id as string);
        return;
      }
      case "MESSAGE_UPDATE": {
        const key = `message:${d.channel_id}:${d.id}`;
        const old = e.get(key);
        if (old) e.set(key, { ...old, ...d });
        else if (d.author !== undefined && d.timestamp !== undefined) {
          // Discord's docs: the payload is a whole message; one not held is
          // kept as a MESSAGE_CREATE's would be (its channel left as it is).
          const channel = e.get(`channel:${d.channel_id}`);
          if (channel?.guild_id === d.guild_id) {
            e.set(key, d);
            this.#trim(d.channel_id as string);
          }
        }
        return;
      }
      case "MESSAGE_DELETE":
        e.delete(`message:${d.channel_id}:${d.id}`);
        return;
      case "MESSAGE_DELETE_BULK":
        for (const id of d.ids as string[]) {
          e.delete(`message:${d.channel_id}:${id}`);
        }
        return;
    }
  }
}

/** One random valid sequence of `length` dispatches. */
export function randomSequence(seed: number, length: number): Dispatch[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(random() * items.length)]!;
  const model = new Model(); // only to know what exists
  const out: Dispatch[] = [];
  const member = (guildId: string, userId: string): V => ({
    user: user(userId),
    roles: random() < 0.5 ? [] : [`${guildId}1`],
    joined_at: time(Math.floor(random() * 1000)),
    deaf: false,
    mute: random() < 0.2,
    flags: 0,
  });
  /**
   * Presences of some of `members`: now and then offline (no presence; in a
   * chunk, the news that one held is offline now).
   */
  const presencesOf = (members: V[]): V[] =>
    members.filter(() => random() < 0.6).map((m) => ({
      user: { id: (m.user as V).id },
      status: pick(["online", "idle", "dnd", "offline"]),
      activities: [],
    }));
  const channelsOf = (guildId: string): string[] =>
    [...model.entries].filter(([k, v]) =>
      k.startsWith("channel:") && v.guild_id === guildId
    ).map(([k]) => k.slice(8));
  /** The held channels of a guild that are threads, or that are not. */
  const threadsOf = (guildId: string, threads = true): string[] =>
    channelsOf(guildId).filter((id) =>
      (model.entries.get(`channel:${id}`)!.type === 11) === threads
    );
  /** Archived threads by id (not held): a THREAD_UPDATE may unarchive one. */
  const archived = new Map<string, V>();
  const thread = (guildId: string, parentId: string, closed: boolean): V => ({
    id: model.nextId(),
    type: 11,
    guild_id: guildId,
    parent_id: parentId,
    name: "t",
    thread_metadata: {
      archived: closed,
      auto_archive_duration: 60,
      archive_timestamp: time(out.length),
      locked: false,
    },
  });
  const withArchived = (t: V, closed: boolean): V => ({
    ...t,
    thread_metadata: { ...(t.thread_metadata as V), archived: closed },
  });
  const messagesOf = (channelId: string): string[] =>
    [...model.entries.keys()].filter((k) =>
      k.startsWith(`message:${channelId}:`)
    ).map((k) => k.split(":")[2]!);
  const rolesOf = (guildId: string): string[] =>
    [...model.entries.keys()].filter((k) => k.startsWith(`role:${guildId}:`))
      .map((k) => k.split(":")[2]!);
  // One shard, or two sharing the cache (each READY then names its shard).
  const shardCount = random() < 0.5 ? 1 : 2;
  const available = (guildId: string): boolean => {
    const g = model.entries.get(`guild:${guildId}`);
    return g !== undefined && g.unavailable !== true;
  };
  while (out.length < length) {
    const guildId = pick(GUILDS);
    const roll = random();
    let dispatch: Dispatch | undefined;
    if (!available(guildId) || roll < 0.04) {
      const channels = Array.from(
        { length: 1 + Math.floor(random() * 3) },
        () => ({ id: model.nextId(), type: 0, name: "c", position: 0 }),
      );
      // Now and then a thread, sometimes archived (Discord lists active
      // ones only: an archived one must not be held).
      const threads = random() < 0.3
        ? [thread(guildId, channels[0]!.id, random() < 0.3)]
        : [];
      const members = USERS.slice(0, 1 + Math.floor(random() * 4)).map((u) =>
        member(guildId, u)
      );
      dispatch = ["GUILD_CREATE", {
        id: guildId,
        name: `guild ${guildId} v${out.length}`,
        member_count: 50,
        channels,
        threads,
        roles: [{ id: `${guildId}1`, name: "role", position: 1 }],
        emojis: [],
        members,
        presences: presencesOf(members),
        voice_states: [],
      }];
    } else if (roll < 0.055) {
      // A new session: its shard's guilds, some of the cached ones gone.
      const shardId = Math.floor(random() * shardCount);
      const guilds = GUILDS.filter((id) =>
        Number((BigInt(id) >> 22n) % BigInt(shardCount)) === shardId &&
        random() < 0.6
      ).map((id) => ({ id, unavailable: true }));
      const data: V = {
        v: 10,
        user: user(BOT_ID),
        guilds,
        session_id: `s${out.length}`,
        resume_gateway_url: "wss://gateway.discord.gg",
        application: { id: BOT_ID, flags: 0 },
      };
      if (shardCount > 1 || random() < 0.5) data.shard = [shardId, shardCount];
      dispatch = ["READY", data];
    } else if (roll < 0.07) {
      dispatch = [
        "GUILD_DELETE",
        random() < 0.5 ? { id: guildId, unavailable: true } : { id: guildId },
      ];
    } else if (roll < 0.15) {
      // One roll per user: a member (< 0.4), or not found (> 0.9).
      const rolls = USERS.map((u) => [u, random()] as const);
      const notFound = rolls.filter(([, r]) => r > 0.9).map(([u]) => u);
      const members = rolls.filter(([, r]) => r < 0.4).map(([u]) =>
        member(guildId, u)
      );
      dispatch = ["GUILD_MEMBERS_CHUNK", {
        guild_id: guildId,
        members,
        // Sent when asked for (`presences` of the request).
        ...(random() < 0.5 ? { presences: presencesOf(members) } : {}),
        ...(notFound.length > 0 ? { not_found: notFound } : {}),
        chunk_index: 0,
        chunk_count: 1,
      }];
    } else if (roll < 0.25) {
      const partial: V = {
        guild_id: guildId,
        user: user(pick(USERS)),
        roles: rolesOf(guildId).filter(() => random() < 0.4),
      };
      if (random() < 0.5) partial.nick = random() < 0.5 ? null : "nick";
      if (random() < 0.3) {
        // Every field a member object requires: kept when not held.
        Object.assign(partial, {
          joined_at: "2024-01-01T00:00:00.000000+00:00",
          deaf: false,
          mute: random() < 0.5,
          flags: 0,
        });
      }
      dispatch = ["GUILD_MEMBER_UPDATE", partial];
    } else if (roll < 0.3) {
      dispatch = ["GUILD_MEMBER_ADD", {
        ...member(guildId, pick(USERS)),
        guild_id: guildId,
      }];
    } else if (roll < 0.34) {
      dispatch = ["GUILD_MEMBER_REMOVE", {
        guild_id: guildId,
        user: user(pick(USERS)),
      }];
    } else if (roll < 0.37) {
      dispatch = ["GUILD_ROLE_CREATE", {
        guild_id: guildId,
        role: { id: model.nextId(), name: "r", position: 2 },
      }];
    } else if (roll < 0.39) {
      const roles = rolesOf(guildId);
      if (roles.length > 0) {
        dispatch = ["GUILD_ROLE_DELETE", {
          guild_id: guildId,
          role_id: pick(roles),
        }];
      }
    } else if (roll < 0.42) {
      dispatch = ["CHANNEL_CREATE", {
        id: model.nextId(),
        type: 0,
        name: "new",
        position: 1,
        guild_id: guildId,
      }];
    } else if (roll < 0.44) {
      const channels = threadsOf(guildId, false);
      if (channels.length > 0) {
        dispatch = ["CHANNEL_DELETE", {
          id: pick(channels),
          type: 0,
          guild_id: guildId,
        }];
      }
    } else if (roll < 0.5) {
      dispatch = threadEvent(guildId);
    } else {
      const channels = channelsOf(guildId);
      if (channels.length === 0) continue;
      const channelId = pick(channels);
      const messages = messagesOf(channelId);
      const kind = random();
      if (kind < 0.6 || messages.length === 0) {
        // Now and then a whole MESSAGE_UPDATE of a message not seen (created
        // before the session: a new id, or an older one, maybe evicted).
        const whole = random() < 0.15;
        const id = model.nextId();
        dispatch = [whole ? "MESSAGE_UPDATE" : "MESSAGE_CREATE", {
          id: whole && random() < 0.5
            ? String(10_000 + Math.floor(random() * (Number(id) - 10_000)))
            : id,
          channel_id: channelId,
          guild_id: guildId,
          author: user(pick(USERS)),
          content: `text ${out.length}`,
          timestamp: time(out.length),
          edited_timestamp: null,
          tts: false,
          mention_everyone: false,
          mentions: [],
          mention_roles: [],
          attachments: [],
          embeds: [],
          pinned: false,
          type: 0,
        }];
        // Now and then the bot's ephemeral reply in that channel.
        if (!whole && random() < 0.05) {
          delete dispatch[1].guild_id;
          dispatch[1].flags = 64;
        }
      } else if (kind < 0.8) {
        dispatch = ["MESSAGE_UPDATE", {
          id: pick(messages),
          channel_id: channelId,
          guild_id: guildId,
          content: `edited ${out.length}`,
          edited_timestamp: time(out.length),
        }];
      } else if (kind < 0.9) {
        dispatch = ["MESSAGE_DELETE", {
          id: pick(messages),
          channel_id: channelId,
          guild_id: guildId,
        }];
      } else {
        dispatch = ["MESSAGE_DELETE_BULK", {
          ids: messages.filter(() => random() < 0.5).concat(["1"]),
          channel_id: channelId,
          guild_id: guildId,
        }];
      }
    }
    if (dispatch === undefined) continue;
    model.apply(dispatch);
    out.push(dispatch);
    // Archived threads, for a later THREAD_UPDATE to unarchive.
    const [event, d] = dispatch;
    const listed = event === "GUILD_CREATE" || event === "THREAD_LIST_SYNC"
      ? d.threads as V[]
      : event.startsWith("THREAD_")
      ? [d]
      : [];
    for (const t of listed) {
      if (isArchived(t)) archived.set(t.id as string, t);
      else archived.delete(t.id as string);
    }
  }
  return out;

  /**
   * A thread event of guild `guildId`: a thread created (now and then
   * archived already), archived (Discord's auto-archive: a THREAD_UPDATE,
   * never a delete), unarchived, deleted, or a sync of the guild's threads.
   */
  function threadEvent(guildId: string): Dispatch | undefined {
    const parents = threadsOf(guildId, false);
    const threads = threadsOf(guildId);
    const closed = [...archived.values()].filter((t) => t.guild_id === guildId);
    const held = (id: string): V => model.entries.get(`channel:${id}`)!;
    const kind = random();
    if (kind < 0.3 && parents.length > 0) {
      return ["THREAD_CREATE", thread(guildId, pick(parents), random() < 0.1)];
    }
    if (kind < 0.6 && threads.length > 0) {
      return ["THREAD_UPDATE", withArchived(held(pick(threads)), true)];
    }
    if (kind < 0.75 && closed.length > 0) {
      return ["THREAD_UPDATE", withArchived(pick(closed), false)];
    }
    if (kind < 0.85 && threads.length > 0) {
      const id = pick(threads);
      const { parent_id } = held(id);
      return ["THREAD_DELETE", { id, guild_id: guildId, parent_id, type: 11 }];
    }
    if (kind < 0.85) return undefined;
    // A sync: of the whole guild or some channels; the threads kept, and
    // now and then one listed archived (which goes).
    const kept = threads.filter(() => random() < 0.6);
    const data: V = { guild_id: guildId, threads: kept.map(held), members: [] };
    if (random() < 0.5) {
      data.channel_ids = parents.filter(() => random() < 0.5);
    }
    const left = threads.filter((id) => !kept.includes(id));
    if (left.length > 0 && random() < 0.3) {
      (data.threads as V[]).push(withArchived(held(pick(left)), true));
    }
    return ["THREAD_LIST_SYNC", data];
  }
}
