/**
 * {@linkcode ReshardError}: why a reshard was refused, shared by the
 * single-process {@linkcode ReshardingShards} and the fleet's reshard.
 *
 * @module
 */

/** Why a reshard was refused. */
export class ReshardError extends Error {
  /**
   * Make the error.
   *
   * @param message What was wrong and what to do.
   * @param options `cause`: what made it fail, when something did (a new
   * shard's fatal close is its `GatewayError`, with its close code).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReshardError";
  }
}
