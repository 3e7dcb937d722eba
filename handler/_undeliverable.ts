// The Client's start-up warning for a handler method or `on` listener that
// cannot be called as configured: its event is outside the `events` list, or
// needs an intent that is not requested (or arrives without what it is
// usually wanted for). Warned without any logging set up: a bot author who
// misses it waits for events that never come.
import { getVisibleLogger } from "../base/visible_logger.ts";
import { EVENT_INTENTS, eventDeliverable } from "../types/event_intents.ts";
import type { GatewayEventName } from "../types/events.ts";
import { GatewayIntent } from "../types/intents.ts";

const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * Warn when `what` (a method or listener) for `event` cannot be called, or
 * only partly, with these intents and parsed events (`undefined`: all).
 */
export function warnUndeliverable(
  intents: number,
  parsed: ReadonlySet<string> | undefined,
  event: GatewayEventName,
  what: string,
): void {
  if (parsed !== undefined && !parsed.has(event)) {
    visible.warn(
      "{what} will never be called: {event} is not in the Client's 'events' option",
      { what, event },
    );
  } else if (
    event === "GUILD_MEMBER_UPDATE" &&
    (intents & GatewayIntent.GuildMembers) === 0
  ) {
    // Discord sends the bot's own member's updates without the intent.
    visible.warn(
      "{what}: without the GuildMembers intent, only the bot's own member updates arrive",
      { what },
    );
  } else if (!eventDeliverable(event, intents)) {
    const needed = EVENT_INTENTS[event].join(" or ");
    visible.warn(
      "{what} will never be called: {event} needs the {needed} intent, which is not requested",
      { what, event, needed },
    );
  } else if (
    (event === "MESSAGE_CREATE" || event === "MESSAGE_UPDATE") &&
    (intents & GatewayIntent.MessageContent) === 0
  ) {
    visible.warn(
      "{what}: without the MESSAGE_CONTENT intent, message content is empty except in DMs and messages that mention the bot",
      { what },
    );
  }
}
