/**
 * {@linkcode FleetBot}: which bot a fleet's prefix belongs to, recorded in
 * Redis (`<prefix>:bot`: the bot's user id, written by the first process
 * that knows it, and again by any process after Redis lost it), so that a
 * process started with another bot's token on the prefix is refused. One
 * that joined took its fair share of the shards, could not RESUME the first
 * bot's sessions with its token, IDENTIFYed them as itself (spending the
 * shared identify budget), and the first bot's sessions of those shards
 * were left unrun: their events lost, nothing said.
 *
 * The bot is known without a network call from the token: its first part
 * is the base64 of the bot's user id, the same across token resets (keying
 * on the whole token would refuse a bot whose token was reset). A token
 * whose first part is no user id (a test's `"fake-token"`) is known from
 * its shards' READY (`user.id`) instead.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { botIdOfToken } from "../base/bot_token.ts";
import { isSnowflake } from "../base/snowflake.ts";
import { isRecord } from "../base/is_record.ts";
import type { RedisConnection } from "../redis/connection.ts";
import type { Shard } from "../gateway/shard.ts";
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";
import { LUA_GET_OR_SET } from "../redis/lua_get_or_set.ts";
import { REDIS_WAIT_MS, silentRedis } from "./redis_waits.ts";
import { OtherBotError } from "./other_bot_error.ts";

const logger = getLogger(["disruption", "fleet"]);
const visible = getVisibleLogger(["disruption", "fleet"]);

// Moved to base/ (saved sessions record their bot too); kept reachable here.
export { botIdOfToken } from "../base/bot_token.ts";

/** The bot a fleet's prefix belongs to, and whether this process is it. */
export class FleetBot {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #key: string;
  /** This process's bot: from the token, else from its first READY. */
  #own: string | undefined;
  /** Shards whose READY's bot is not yet checked against the record. */
  readonly #unchecked = new Set<Shard>();
  /** Whether this process's bot is known to be its token's (see ready()). */
  #checked: boolean;
  /** The recorded bot, once a READY showed this process is another. */
  #other: string | undefined;
  /** The record held another bot at a tick: said once until it holds this one. */
  #tickSaid = false;
  readonly #onOther: () => void;

  /**
   * @param redis The connection.
   * @param prefix The fleet's prefix (the record is `<prefix>:bot`).
   * @param token The bot token of the process's shards.
   * @param onOther Called once a READY shows this process runs another
   *   bot than the fleet's: it must leave the fleet.
   */
  constructor(
    redis: RedisConnection,
    prefix: string,
    token: string,
    onOther: () => void,
  ) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#key = `${prefix}:bot`;
    this.#own = botIdOfToken(token);
    this.#checked = this.#own !== undefined;
    this.#onOther = onOther;
  }

  /** This process's bot, when known (from the token or a READY). */
  get botId(): string | undefined {
    return this.#own;
  }

  /**
   * The bot the prefix belongs to, recording this process's when none is.
   *
   * @returns The recorded bot when it is another than this process's;
   *   `undefined` when it is this one, or this process's is not known yet.
   * @throws When Redis fails.
   */
  async other(): Promise<string | undefined> {
    const own = this.#own;
    if (own === undefined) return undefined;
    const stored = await this.#claim(own);
    return stored === own ? undefined : stored;
  }

  /**
   * Before joining the fleet (`start()`): refuse a process of another bot
   * than the prefix's, recording this one's when none is. A failing Redis
   * is let through (the first tick then fails too, and says so; ticks take
   * no shard before the record answers, see {@linkcode FleetBot.mayTake}).
   *
   * @param scheduler The timers.
   * @param joining Whether the start() asking still stands: a close()
   *   during the read (Ctrl+C while Redis is slow) wins, as a member that
   *   joined after it would hold leases with nobody to close it.
   * @throws {OtherBotError} When the prefix belongs to another bot.
   * @throws {Error} When Redis does not answer within 10 s, or `joining`
   *   says a close() came meanwhile.
   */
  async assertJoinable(
    scheduler: Scheduler,
    joining: () => boolean,
  ): Promise<void> {
    const other = this.other();
    other.catch(() => {}); // A read given up on may still fail.
    const answered = await settlesWithin(scheduler, other, REDIS_WAIT_MS);
    if (!joining()) {
      throw new Error(
        "Cannot start the fleet: close() was called while it started; nothing was taken",
      );
    }
    if (!answered) {
      throw new Error(`Cannot start the fleet: ${silentRedis(REDIS_WAIT_MS)}`);
    }
    const fleetBot = await other.catch(() => undefined);
    if (fleetBot !== undefined) {
      throw new OtherBotError(this.#prefix, fleetBot, this.#own!);
    }
    // The record is this bot's again (an operator changed it): its READYs
    // are the fleet's from now on.
    this.#other = undefined;
  }

  /**
   * At a tick: whether this process may take shards, the record written
   * again if Redis lost it. Another bot recorded (written by hand, or by
   * another bot's process that started while Redis had lost the key) is
   * said visibly once: which of the two is wrong cannot be told here, so
   * the shards run on and none is taken. A failed read takes none either.
   *
   * @returns `true` when this process is the prefix's bot or cannot tell.
   */
  async mayTake(): Promise<boolean> {
    let other: string | undefined;
    try {
      other = await this.other();
    } catch (error) {
      logger.warn("Could not read the fleet's bot ({key}): {error}", {
        key: this.#key,
        error,
      });
      return false;
    }
    if (other === undefined) {
      this.#tickSaid = false;
      return true;
    }
    if (!this.#tickSaid) {
      this.#tickSaid = true;
      visible.error(
        "The fleet's prefix {prefix} records bot {other} ({key}), and this process's token is bot {own}'s: two bots share the prefix. This process keeps its shards and takes no other until {key} holds {own}; give each bot its own prefix",
        { prefix: this.#prefix, other, own: this.#own, key: this.#key },
      );
    }
    return false;
  }

  /**
   * A shard's READY: for a process whose token says no bot, checked
   * against the record (written when absent). Another bot's READY is said
   * visibly once, naming both bots, and `onOther` is called; the shard's
   * session is never to be saved ({@linkcode FleetBot.saves}).
   *
   * @param shard The shard.
   * @param data The READY's payload.
   * @returns Whether the session is the fleet's bot's (`true` when it
   *   cannot be told: Redis failed, or the READY has no user id).
   */
  async ready(shard: Shard, data: unknown): Promise<boolean> {
    if (this.#other !== undefined) return false;
    const user = isRecord(data) && isRecord(data.user)
      ? data.user.id
      : undefined;
    // Known from the token, or from a READY that matched: the same token's
    // READYs are the same bot's.
    if (this.#checked || !isSnowflake(user)) return true;
    this.#unchecked.add(shard);
    let stored: string;
    try {
      stored = await this.#claim(user);
    } catch (error) {
      logger.warn("Could not check shard {id}'s bot ({key}): {error}", {
        id: shard.id,
        key: this.#key,
        error,
      });
      this.#unchecked.delete(shard);
      return true;
    }
    this.#own = user;
    if (stored === user) {
      this.#checked = true;
      this.#unchecked.delete(shard);
      return true;
    }
    if (this.#other === undefined) {
      this.#other = stored;
      visible.error(
        "Shard {id}'s READY is of bot {own}, and the fleet's prefix {prefix} is bot {other}'s ({key}): this process runs another bot's token on the prefix. It leaves the fleet without saving its sessions (bot {other}'s processes take the shards back and resume theirs); give each bot its own prefix",
        {
          id: shard.id,
          own: user,
          prefix: this.#prefix,
          other: stored,
          key: this.#key,
        },
      );
      this.#onOther();
    }
    return false;
  }

  /**
   * Whether `shard`'s session may be saved: not once this process was
   * found to run another bot, nor while its READY is being checked.
   *
   * @param shard The shard.
   */
  saves(shard: Shard): boolean {
    return this.#other === undefined && !this.#unchecked.has(shard);
  }

  async #claim(id: string): Promise<string> {
    return String(await this.#redis.eval(LUA_GET_OR_SET, 1, this.#key, id));
  }
}
