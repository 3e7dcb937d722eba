/**
 * The floor of a cache that keeps its state off the JavaScript heap, a
 * reference for the cache benchmark's lower bound: what the naive cache
 * (bench/_naive_cache.ts) keeps, indexed the same way, but each entity kept
 * as UTF-8 JSON in one preallocated block of bytes, the Maps holding only
 * numeric offsets into it. An event's entity is its frame text as it came;
 * one taken from a GUILD_CREATE's lists, or a message changed by a reaction,
 * is written with `JSON.stringify`. The previous state of every update and
 * delete is parsed back from the bytes, as such a cache must to hand back
 * `old` (the naive cache, holding objects, gets it for free and returns
 * none).
 *
 * What it shows: whether keeping the state outside V8's heap, which leaves
 * the garbage collector nothing to copy or mark, is cheaper than keeping the
 * payloads as objects. It has no checks, no compact form and no freeing:
 * the block is sized for the benchmark's stream, and a write past its end
 * throws rather than reuse bytes still indexed.
 *
 * @module
 */
import { inScope, sameEmoji } from "./_naive_cache.ts";

// deno-lint-ignore no-explicit-any -- payloads as sent, read by field name
type Payload = any;

/** Messages kept per channel (as the full cache in the benchmarks). */
const PER_CHANNEL = 100;

/** Bytes before each entry: its length (4) and whether it is a frame (1). */
const HEADER = 5;

/** The entities as JSON bytes in one block, indexed by offset. */
export class ArenaCache {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();
  #end = 0;
  readonly guilds = new Map<string, number>();
  readonly channels = new Map<string, number>();
  readonly members = new Map<string, Map<string, number>>();
  readonly presences = new Map<string, Map<string, number>>();
  readonly voiceStates = new Map<string, Map<string, number>>();
  readonly messages = new Map<string, Map<string, number>>();

  /**
   * @param capacity Bytes of the block, written through once now so that
   *   no page is first touched (a page fault) while measuring.
   */
  constructor(capacity: number) {
    // Offsets stay small integers, which V8 keeps in a Map unboxed.
    if (capacity >= 2 ** 30) throw new RangeError("capacity must be < 1 GiB");
    this.#bytes = new Uint8Array(capacity).fill(1).fill(0);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /**
   * Apply one dispatch.
   *
   * @param t The dispatch's `t`.
   * @param d The dispatch's `d`, parsed.
   * @param frame The frame's text (`{"t":…,"d":…}`), when it came as one.
   * @returns The entity it replaced or deleted, parsed back, if any.
   */
  apply(t: string, d: Payload, frame?: string): Payload {
    switch (t) {
      case "GUILD_CREATE":
        this.guilds.set(d.id, this.#keep(d, frame));
        for (const c of d.channels ?? []) this.channels.set(c.id, this.#put(c));
        for (const m of d.members ?? []) {
          inScope(this.members, d.id).set(m.user.id, this.#put(m));
        }
        for (const p of d.presences ?? []) {
          inScope(this.presences, d.id).set(p.user.id, this.#put(p));
        }
        for (const v of d.voice_states ?? []) {
          inScope(this.voiceStates, d.id).set(v.user_id, this.#put(v));
        }
        return undefined;
      case "GUILD_MEMBER_UPDATE":
        return this.#replace(
          inScope(this.members, d.guild_id),
          d.user.id,
          this.#keep(d, frame),
        );
      case "PRESENCE_UPDATE":
        return this.#replace(
          inScope(this.presences, d.guild_id),
          d.user.id,
          this.#keep(d, frame),
        );
      case "VOICE_STATE_UPDATE":
        return this.#replace(
          inScope(this.voiceStates, d.guild_id),
          d.user_id,
          this.#keep(d, frame),
        );
      case "MESSAGE_CREATE":
      case "MESSAGE_UPDATE": {
        const messages = inScope(this.messages, d.channel_id);
        const old = this.#replace(messages, d.id, this.#keep(d, frame));
        if (messages.size > PER_CHANNEL) {
          messages.delete(messages.keys().next().value!);
        }
        return old;
      }
      case "MESSAGE_DELETE": {
        const messages = this.messages.get(d.channel_id);
        const at = messages?.get(d.id);
        if (at === undefined) return undefined;
        messages!.delete(d.id);
        return this.read(at);
      }
      case "MESSAGE_REACTION_ADD": {
        const messages = this.messages.get(d.channel_id);
        const at = messages?.get(d.message_id);
        if (at === undefined) return undefined;
        const old = this.read(at);
        const message = { ...old, reactions: [...(old.reactions ?? [])] };
        const index = message.reactions.findIndex((r: Payload) =>
          sameEmoji(r, d)
        );
        if (index === -1) message.reactions.push({ emoji: d.emoji, count: 1 });
        else {
          const known = message.reactions[index];
          message.reactions[index] = { ...known, count: known.count + 1 };
        }
        messages!.set(d.message_id, this.#put(message));
        return old;
      }
    }
    return undefined;
  }

  /** Index `id` at `at`, handing back what it replaced. */
  #replace(map: Map<string, number>, id: string, at: number): Payload {
    const old = map.get(id);
    map.set(id, at);
    return old === undefined ? undefined : this.read(old);
  }

  /** Write an event's entity: its frame as it came, or `d` as JSON. */
  #keep(d: Payload, frame: string | undefined): number {
    return frame === undefined ? this.#put(d) : this.#write(frame, true);
  }

  #put(value: Payload): number {
    return this.#write(JSON.stringify(value), false);
  }

  #write(text: string, isFrame: boolean): number {
    const at = this.#end;
    const room = this.#bytes.length - at - HEADER;
    // encodeInto writes at most 3 bytes per UTF-16 unit: with less room it
    // could stop short, which `read` would misparse.
    if (room < text.length * 3) {
      throw new RangeError("the arena is full: size it for the stream");
    }
    const { written } = this.#encoder.encodeInto(
      text,
      this.#bytes.subarray(at + HEADER),
    );
    this.#view.setUint32(at, written);
    this.#bytes[at + 4] = isFrame ? 1 : 0;
    this.#end = at + HEADER + written;
    return at;
  }

  /** Read back the entity at `at` (its payload, for a frame). */
  read(at: number): Payload {
    const length = this.#view.getUint32(at);
    const text = this.#decoder.decode(
      this.#bytes.subarray(at + HEADER, at + HEADER + length),
    );
    const value = JSON.parse(text);
    return this.#bytes[at + 4] === 1 ? value.d : value;
  }
}
