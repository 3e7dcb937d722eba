/**
 * {@linkcode ReshardError}: why a reshard was refused, shared by the
 * single-process {@linkcode ReshardingShards} and the fleet's reshard.
 *
 * @module
 */

/** Why a reshard was refused. */
export class ReshardError extends Error {
  /**
   * When the reshard was refused because another is running (asked by this
   * process or, in a fleet, by another): that reshard's shard count.
   * Undefined for every other reason.
   */
  readonly runningTo: number | undefined;

  /**
   * Make the error.
   *
   * @param message What was wrong and what to do.
   * @param options `cause`: what made it fail, when something did (a new
   * shard's fatal close is its `GatewayError`, with its close code);
   * `runningTo`: the count of the reshard already running, when that is
   * why.
   */
  constructor(
    message: string,
    options?: ErrorOptions & { runningTo?: number },
  ) {
    super(message, options);
    this.name = "ReshardError";
    this.runningTo = options?.runningTo;
  }
}
