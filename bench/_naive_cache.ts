/**
 * The cheapest whole cache of the benchmark's events, a reference for the
 * cache benchmarks: the parsed payloads kept as sent, in Maps. A guild's
 * channels, members, presences and voice states by id; at most 100
 * messages per channel, the oldest inserted going first; a reaction counted
 * on its message in place. No id checks, no previous state, no compact
 * form, no shared users, no bounds but the messages'.
 *
 * What it shows: the cost of keeping and indexing the payloads as they
 * come, before any of the work Disruption's cache adds to it (checks, the
 * previous state, a compact form): the cache misses and garbage collection
 * that keeping state brings, which no faster code removes. Its heap per
 * entity is "the payloads kept in Maps".
 *
 * @module
 */

// deno-lint-ignore no-explicit-any -- payloads as sent, read by field name
type Payload = any;

/** Messages kept per channel (as the full cache in the benchmarks). */
const PER_CHANNEL = 100;

/** The parsed payloads as sent, in Maps. */
export class NaiveCache {
  readonly guilds = new Map<string, Payload>();
  readonly channels = new Map<string, Payload>();
  readonly members = new Map<string, Map<string, Payload>>();
  readonly presences = new Map<string, Map<string, Payload>>();
  readonly voiceStates = new Map<string, Map<string, Payload>>();
  readonly messages = new Map<string, Map<string, Payload>>();

  /**
   * Apply one dispatch.
   *
   * @param t The dispatch's `t`.
   * @param d The dispatch's `d`, parsed.
   */
  apply(t: string, d: Payload): void {
    switch (t) {
      case "GUILD_CREATE":
        this.guilds.set(d.id, d);
        for (const c of d.channels ?? []) this.channels.set(c.id, c);
        for (const m of d.members ?? []) {
          inScope(this.members, d.id).set(m.user.id, m);
        }
        for (const p of d.presences ?? []) {
          inScope(this.presences, d.id).set(p.user.id, p);
        }
        for (const v of d.voice_states ?? []) {
          inScope(this.voiceStates, d.id).set(v.user_id, v);
        }
        return;
      case "GUILD_MEMBERS_CHUNK":
        for (const m of d.members) {
          inScope(this.members, d.guild_id).set(m.user.id, m);
        }
        return;
      case "GUILD_MEMBER_UPDATE":
        inScope(this.members, d.guild_id).set(d.user.id, d);
        return;
      case "PRESENCE_UPDATE":
        inScope(this.presences, d.guild_id).set(d.user.id, d);
        return;
      case "VOICE_STATE_UPDATE":
        inScope(this.voiceStates, d.guild_id).set(d.user_id, d);
        return;
      case "MESSAGE_CREATE":
      case "MESSAGE_UPDATE": {
        const messages = inScope(this.messages, d.channel_id);
        messages.set(d.id, d);
        if (messages.size > PER_CHANNEL) {
          messages.delete(messages.keys().next().value!);
        }
        return;
      }
      case "MESSAGE_DELETE":
        this.messages.get(d.channel_id)?.delete(d.id);
        return;
      case "MESSAGE_REACTION_ADD": {
        const message = this.messages.get(d.channel_id)?.get(d.message_id);
        if (message === undefined) return;
        const reactions: Payload[] = message.reactions ??= [];
        const known = reactions.find((r) => sameEmoji(r, d));
        if (known !== undefined) known.count++;
        else reactions.push({ emoji: d.emoji, count: 1 });
        return;
      }
    }
  }
}

/** Whether `reaction` (of a message) is of the emoji of reaction event `d`. */
export function sameEmoji(reaction: Payload, d: Payload): boolean {
  return reaction.emoji.id === d.emoji.id &&
    reaction.emoji.name === d.emoji.name;
}

/**
 * The map of one scope's entities (a guild's by user id, a channel's
 * messages by id), made when there is none.
 */
export function inScope<V>(
  maps: Map<string, Map<string, V>>,
  scope: string,
): Map<string, V> {
  let map = maps.get(scope);
  if (map === undefined) maps.set(scope, map = new Map());
  return map;
}
