/**
 * {@linkcode OtherBotError}: why `FleetShards.start()` refused to join a
 * fleet: its prefix belongs to another bot.
 *
 * @module
 */

/**
 * A process was started with another bot's token on a fleet's prefix
 * (`<prefix>:bot` records the bot whose fleet it is). Joining, it took its
 * fair share of the shards, could not RESUME the first bot's sessions with
 * its token, IDENTIFYed them as itself, and the first bot's sessions of
 * those shards were left unrun, their events lost, nothing said.
 */
export class OtherBotError extends Error {
  /** The fleet's prefix. */
  readonly prefix: string;
  /** The user id of the bot the prefix belongs to. */
  readonly fleetBotId: string;
  /** The user id of the bot this process's token is for. */
  readonly botId: string;

  /**
   * Make the error.
   *
   * @param prefix The fleet's prefix.
   * @param fleetBotId The bot the prefix belongs to.
   * @param botId The bot of this process's token.
   */
  constructor(prefix: string, fleetBotId: string, botId: string) {
    super(
      `Cannot start the fleet: its prefix "${prefix}" belongs to bot ${fleetBotId} (${prefix}:bot), and this process's token is bot ${botId}'s. Give each bot its own prefix (and identify queue and session store names); if the prefix is to be bot ${botId}'s from now on, stop bot ${fleetBotId}'s processes and delete ${prefix}:bot first`,
    );
    this.name = "OtherBotError";
    this.prefix = prefix;
    this.fleetBotId = fleetBotId;
    this.botId = botId;
  }
}
