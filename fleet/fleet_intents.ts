/**
 * {@linkcode FleetIntents}: a `FleetShards` process's gateway intents
 * against the fleet's, stored in Redis beside its lease TTL (field
 * `intents` of `<prefix>:generation`, see `generation_seed.ts`).
 *
 * A shard takes its intents at IDENTIFY, and a RESUME keeps the session's:
 * a process started with other intents runs the shards it takes over by
 * RESUME with the intents they were identified with, and its own only
 * where it identifies (a shard nobody saved a session of, or after an
 * invalid session). The fleet then runs shards on both, each guild's events
 * depending on its shard's history, and nothing said so. This says so. It
 * does not refuse to start, as `OtherBotError` does for another bot's
 * token: a rolling change of intents (new processes replacing old ones) is
 * how an operator changes them without downtime, and mixed intents are
 * what it looks like until every shard identifies again. The fleet's
 * intents are the first process's; they change once none of its processes
 * is live (the first to start then stores its own), or by hand in Redis.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";

const logger = getLogger(["disruption", "fleet"]);
/** Shards on mixed intents are for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** One process's intents, compared at each sync with the fleet's. */
export class FleetIntents {
  /** The process's own `shard.intents`; none for a process that only reads. */
  readonly own: number | undefined;
  /** The fleet's intents last said to differ from the process's, if any. */
  #said: number | undefined;

  /** @param own The process's `shard.intents`, if it runs shards. */
  constructor(own?: number) {
    this.own = own;
  }

  /** The scripts' `intents` argument (see `SeedArgs`): "" when none. */
  get arg(): string {
    return this.own === undefined ? "" : String(this.own);
  }

  /**
   * Say, once per value, when the fleet's intents differ from the
   * process's.
   *
   * @param stored The intents stored in Redis, as a sync returns them
   *   ("" when none).
   * @param where Where they are stored, for the warning.
   */
  compare(stored: string | undefined, where: string): void {
    const fleet = stored ? Number(stored) : undefined;
    if (this.own === undefined) return;
    if (fleet === undefined || fleet === this.own) {
      if (this.#said !== undefined) {
        logger.info("The fleet's intents are this process's again ({own})", {
          own: this.own,
        });
      }
      this.#said = undefined;
      return;
    }
    if (this.#said === fleet) return;
    this.#said = fleet;
    visible.warn(
      "This process's intents ({own}) differ from the fleet's ({fleet}, in Redis at {where}, field intents): the shards it takes over by RESUME keep the intents they were identified with, and its own apply only at a new IDENTIFY (a shard without a saved session, or after an invalid session), so the fleet runs shards on both until each identifies again; expected during a rolling change of intents, otherwise give every process the same intents (the fleet's are recorded anew once none of its processes is live)",
      { own: this.own, fleet, where },
    );
  }
}
