/**
 * What the dispatch publisher says about its connection attempts: a
 * refusal once per streak of the same refusal, an unreachable broker once
 * per outage, the repeats at debug level; the connection made after an
 * outage says how long it lasted (the repeats no longer show it).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { isLoginRefused } from "./credentials_refused.ts";
import { ExchangeTypeError } from "./declare.ts";

const logger = getLogger(["disruption", "dispatch", "publisher"]);
// A refused login is a setting to fix, not an outage to wait out.
const visible = getVisibleLogger(["disruption", "dispatch", "publisher"]);

/** The publisher's connection attempts, as the log tells them. */
export class ConnectionLog {
  readonly #scheduler: Scheduler;
  readonly #loginHint: string | undefined;
  /**
   * What the broker refused at the last refusal, a setting to fix (said on
   * stderr already): the login, or the exchange's type.
   */
  #refused: "login" | "exchange" | undefined;
  /**
   * Whether an unreachable broker was said since the last connection (an
   * outage's attempts may fail in turns, refused and unreachable).
   */
  #unreachableSaid = false;
  /** `scheduler.now()` when the connection went down (or first failed). */
  #downSince: number | undefined;

  /**
   * Create the log of one publisher's attempts.
   *
   * @param scheduler The publisher's clock.
   * @param loginHint What to check when the login is refused.
   */
  constructor(scheduler: Scheduler, loginHint: string | undefined) {
    this.#scheduler = scheduler;
    this.#loginHint = loginHint;
  }

  /** The connection was lost: an outage starts, unless one runs already. */
  down(): void {
    this.#downSince ??= this.#scheduler.now();
  }

  /**
   * An attempt failed: a refusal is said once per streak of the same
   * refusal, an unreachable broker once per outage, the repeats at debug
   * level (at a warning each, an hour's outage was ~720 lines, 5 s apart).
   *
   * @param error Why it failed.
   * @param count The events buffered.
   * @param ms The wait before the next attempt.
   */
  failed(error: unknown, count: number, ms: number): void {
    this.down();
    const properties = { message: errorText(error), count, ms };
    const refused = error instanceof ExchangeTypeError
      ? "exchange"
      : isLoginRefused(error)
      ? "login"
      : undefined;
    if (refused === undefined) {
      const message =
        "RabbitMQ unreachable ({message}); {count} event(s) buffered, retrying in {ms} ms (the repeats at debug level)";
      if (this.#unreachableSaid) logger.debug(message, properties);
      else logger.warn(message, properties);
      this.#unreachableSaid = true;
      return;
    }
    const repeat = this.#refused === refused;
    this.#refused = refused;
    const message = refused === "exchange"
      ? "RabbitMQ: {message}; {count} event(s) buffered, retrying in {ms} ms"
      : "RabbitMQ refused the login ({message}): {hint}; {count} event(s) buffered, retrying in {ms} ms";
    const values = {
      ...properties,
      hint: this.#loginHint ?? "check the user name and password of the URL",
    };
    // An error once per streak of refusals, the repeats at debug level:
    // the service's console sink prints every error line.
    if (repeat) logger.debug(message, values);
    else visible.error(message, values);
  }

  /**
   * Connected: the streak ends, and after an outage the line says how long
   * it lasted.
   *
   * @param count The buffered events to send.
   */
  connected(count: number): void {
    const since = this.#downSince;
    this.#refused = undefined;
    this.#unreachableSaid = false;
    this.#downSince = undefined;
    if (since === undefined) {
      logger.info("RabbitMQ connected; {count} buffered event(s) to send", {
        count,
      });
      return;
    }
    logger.info(
      "RabbitMQ connected after {seconds} s without it; {count} buffered event(s) to send",
      { seconds: (this.#scheduler.now() - since) / 1000, count },
    );
  }
}
