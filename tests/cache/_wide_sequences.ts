// Random event sequences over the events the property test's generator never
// makes (threads and their syncs, reactions, presences, voice, emojis and
// stickers, scheduled events, sounds, stage instances, DMs, channel patches,
// messages out of id order), with one top-level field in some replaced by an
// odd value. No model: the differential test compares the two stores.
import { Gen } from "../_fakes/prng.ts";
import { type Dispatch, user } from "./_event_sequences.ts";

type V = Record<string, unknown>;

const GUILDS = ["100", "101"];
const USERS = ["1", "2", "3", "9"];
/** Values a hostile gateway may put where an object, id or list belongs. */
const ODD: readonly unknown[] = [null, 0, "", "x", true, {}, [], [null], 5];
/** Fields never replaced: without them the event addresses nothing. */
const ADDRESSES = ["id", "guild_id", "channel_id", "user", "author"];
const TIME = "2021-03-14T05:32:41.571000+00:00";

function member(id: string, roles: string[] = []): V {
  return {
    user: user(id),
    roles,
    joined_at: TIME,
    deaf: false,
    mute: false,
    flags: 0,
  };
}

/**
 * One random sequence of `length` dispatches. Each guild has its own
 * channels (`G0`–`G2`) and threads (`G5`, `G6`); channel `400` is a DM.
 */
export function wideSequence(seed: number, length: number): Dispatch[] {
  const gen = new Gen(seed);
  const messages: string[] = [];
  /** Message id -> its channel: votes address a message where it is. */
  const channelOf = new Map<string, string>();
  let nextMessage = 1_000_000_000_000_000_000n;
  const out: Dispatch[] = [];
  while (out.length < length) {
    const g = gen.pick(GUILDS);
    const channels = [`${g}0`, `${g}1`, `${g}2`];
    const threads = [`${g}5`, `${g}6`];
    const c = gen.pick(channels);
    const t = gen.pick(threads);
    const u = gen.pick(USERS);
    const some = <T>(items: readonly T[]): T[] =>
      items.filter(() => gen.chance(0.5));
    const message = (): string => gen.pick(messages.length ? messages : ["1"]);
    const anyChannel = (): string => gen.pick([...channels, ...threads]);
    // A thread's metadata, now and then archived (the cache holds active
    // threads only: an archived one goes, with its messages).
    const meta = (): V => ({
      thread_metadata: { archived: gen.chance(0.3), locked: false },
    });
    const reaction = (event: string): Dispatch => [event, {
      user_id: u,
      channel_id: c,
      message_id: message(),
      guild_id: g,
      emoji: gen.pick([{ id: null, name: "a" }, { id: "60" }]),
      burst: gen.chance(0.3),
    }];
    const newMessage = (channelId: string, guildId?: string): Dispatch => {
      // Mostly newer than the last, sometimes older: out of id order.
      nextMessage += BigInt(Math.floor((gen.random() - 0.3) * 2 ** 40));
      const id = String(nextMessage);
      messages.push(id);
      channelOf.set(id, channelId);
      const data: V = {
        id,
        channel_id: channelId,
        author: user(u),
        content: "m",
        timestamp: TIME,
        mentions: [user(gen.pick(USERS))],
        reactions: [],
      };
      if (guildId !== undefined) data.guild_id = guildId;
      if (gen.chance(0.3)) {
        data.poll = {
          answers: [{ answer_id: 1 }, { answer_id: 2 }],
          results: { is_finalized: gen.chance(0.2), answer_counts: [] },
        };
      }
      return ["MESSAGE_CREATE", data];
    };
    const makers: (() => Dispatch)[] = [
      () => ["GUILD_CREATE", {
        id: g,
        name: "g",
        member_count: 3,
        channels: some(channels).map((id) => ({ id, type: 0, name: "c" })),
        threads: some(threads).map((id) => ({
          id,
          type: 11,
          parent_id: gen.pick(channels),
          member_count: 2,
          ...meta(),
          ...(gen.chance(0.5) ? { member: { id, user_id: "9" } } : {}),
        })),
        roles: [{ id: g, name: "@everyone" }, { id: "50", name: "r" }],
        emojis: [{ id: "60", name: "e" }],
        stickers: [{ id: "61" }],
        members: some(USERS).map((id) => member(id, some(["50"]))),
        // A small guild's may list offline members: none is kept.
        presences: some(USERS).map((id) => ({
          user: { id },
          status: gen.pick(["idle", "offline"]),
        })),
        voice_states: some(USERS).map((id) => ({
          user_id: id,
          channel_id: gen.pick(channels),
          session_id: "s",
        })),
        stage_instances: [{ id: "70", channel_id: c }],
        guild_scheduled_events: [{ id: "80", user_count: 1 }],
        soundboard_sounds: [{ sound_id: "90", name: "s" }],
      }],
      () => [
        "GUILD_DELETE",
        gen.chance(0.5) ? { id: g, unavailable: true } : {
          id: g,
        },
      ],
      () => ["GUILD_UPDATE", { id: g, name: `n${out.length}` }],
      () => ["READY", {
        v: 10,
        user: user("9"),
        guilds: some(GUILDS).map((id) => ({ id, unavailable: true })),
        session_id: "s",
      }],
      () => ["CHANNEL_CREATE", { id: c, type: 0, name: "c", guild_id: g }],
      () => ["CHANNEL_UPDATE", { id: c, type: 0, name: "u", guild_id: g }],
      () => ["CHANNEL_DELETE", { id: c, type: 0, guild_id: g }],
      () => ["THREAD_CREATE", {
        id: t,
        type: 11,
        parent_id: c,
        guild_id: g,
        member_count: 1,
        message_count: 0,
        total_message_sent: 0,
        ...meta(),
      }],
      () => ["THREAD_UPDATE", {
        id: t,
        type: 11,
        parent_id: c,
        guild_id: g,
        ...meta(),
      }],
      // A thread's archive in the event channels send (Discord's is a
      // THREAD_UPDATE).
      () => ["CHANNEL_UPDATE", {
        id: t,
        type: 11,
        parent_id: c,
        guild_id: g,
        thread_metadata: { archived: true },
      }],
      () => ["THREAD_DELETE", { id: t, type: 11, parent_id: c, guild_id: g }],
      () => ["THREAD_LIST_SYNC", {
        guild_id: g,
        ...(gen.chance(0.5) ? { channel_ids: some(channels) } : {}),
        threads: some(threads).map((id) => ({
          id,
          type: 11,
          parent_id: gen.pick(channels),
          ...meta(),
        })),
        members: some(threads).map((id) => ({ id, user_id: "9" })),
      }],
      () => ["THREAD_MEMBERS_UPDATE", {
        id: t,
        guild_id: g,
        member_count: 3,
        added_members: gen.chance(0.5) ? [{ id: t, user_id: "9" }] : [],
        removed_member_ids: gen.chance(0.5) ? ["9"] : [],
      }],
      () => ["THREAD_MEMBER_UPDATE", { id: t, user_id: "9", guild_id: g }],
      () => ["CHANNEL_PINS_UPDATE", {
        guild_id: g,
        channel_id: c,
        last_pin_timestamp: TIME,
      }],
      () => ["GUILD_MEMBER_ADD", { guild_id: g, ...member(u) }],
      () => ["GUILD_MEMBER_UPDATE", {
        guild_id: g,
        user: user(u),
        roles: some(["50"]),
        nick: gen.chance(0.5) ? null : "n",
      }],
      () => ["GUILD_MEMBER_REMOVE", { guild_id: g, user: user(u) }],
      () => ["GUILD_MEMBERS_CHUNK", {
        guild_id: g,
        members: [member(u)],
        // Offline removes the presence held (cache/reduce_presences.ts).
        presences: [{ user: { id: u }, status: gen.pick(["dnd", "offline"]) }],
      }],
      () => ["GUILD_ROLE_CREATE", { guild_id: g, role: { id: "51" } }],
      () => ["GUILD_ROLE_DELETE", {
        guild_id: g,
        role_id: gen.pick(["50", "51"]),
      }],
      () => ["GUILD_EMOJIS_UPDATE", {
        guild_id: g,
        emojis: some([{ id: "62" }]),
      }],
      () => ["GUILD_STICKERS_UPDATE", {
        guild_id: g,
        stickers: [{ id: "63" }],
      }],
      () => ["PRESENCE_UPDATE", {
        guild_id: g,
        user: { id: u },
        // Offline removes the presence (cache/reduce_presences.ts).
        status: gen.pick(["dnd", "offline"]),
      }],
      () => ["VOICE_STATE_UPDATE", {
        guild_id: g,
        user_id: u,
        channel_id: gen.chance(0.5) ? null : c,
        session_id: "s",
      }],
      () => ["STAGE_INSTANCE_DELETE", { id: "70", guild_id: g }],
      () => ["GUILD_SCHEDULED_EVENT_USER_ADD", {
        guild_id: g,
        guild_scheduled_event_id: "80",
        user_id: u,
      }],
      () => ["GUILD_SOUNDBOARD_SOUNDS_UPDATE", {
        guild_id: g,
        soundboard_sounds: [{ sound_id: "91" }],
      }],
      () => ["GUILD_SOUNDBOARD_SOUND_DELETE", { guild_id: g, sound_id: "90" }],
      () => ["INTEGRATION_CREATE", { guild_id: g, id: "95", name: "i" }],
      () => newMessage(anyChannel(), g),
      () => newMessage(anyChannel(), g),
      () => newMessage("400"),
      // The bot's ephemeral reply: without guild_id, in a guild's channel.
      () => {
        const [event, data] = newMessage(anyChannel());
        return [event, { ...data, flags: 64 }];
      },
      // A whole MESSAGE_UPDATE (Discord's docs) of a message not held: a
      // new id, or one older than the channel keeps.
      () => ["MESSAGE_UPDATE", newMessage(anyChannel(), g)[1]],
      () => ["MESSAGE_UPDATE", {
        ...newMessage(anyChannel(), g)[1],
        id: message(),
      }],
      () => ["MESSAGE_UPDATE", {
        id: message(),
        channel_id: anyChannel(),
        guild_id: g,
        content: "e",
      }],
      () => ["MESSAGE_DELETE", {
        id: message(),
        channel_id: anyChannel(),
        guild_id: g,
      }],
      () => ["MESSAGE_DELETE_BULK", {
        ids: [message(), message(), message()],
        channel_id: c,
        guild_id: g,
      }],
      () => reaction("MESSAGE_REACTION_ADD"),
      () => reaction("MESSAGE_REACTION_REMOVE"),
      ...["MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE"].map(
        (event) => (): Dispatch => {
          const id = message();
          return [event, {
            user_id: gen.pick([u, "9"]),
            channel_id: channelOf.get(id) ?? c,
            message_id: id,
            guild_id: g,
            answer_id: gen.pick([1, 2, 3]),
          }];
        },
      ),
      () => ["MESSAGE_REACTION_REMOVE_ALL", {
        channel_id: c,
        message_id: message(),
        guild_id: g,
      }],
    ];
    const [event, data] = gen.pick(makers)();
    if (gen.chance(0.15)) {
      const field = gen.pick(Object.keys(data));
      if (!ADDRESSES.includes(field)) {
        data[field] = structuredClone(gen.pick(ODD));
      }
    }
    out.push([event, data]);
  }
  return out;
}
