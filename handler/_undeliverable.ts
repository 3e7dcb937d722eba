// The Client's start-up warning for a handler method or `on` listener that
// cannot be called as configured: its event is outside the `events` list, or
// needs an intent that is not requested (or arrives without what it is
// usually wanted for). Warned without any logging set up: a bot author who
// misses it waits for events that never come.
import { getVisibleLogger } from "../base/visible_logger.ts";
import { EVENT_INTENTS, eventDeliverable } from "../types/event_intents.ts";
import type { GatewayEventName } from "../types/events.ts";
import { GatewayIntent } from "../types/intents.ts";
import type { ShardIntents } from "./_shard_intents.ts";

const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * Warn when `what` (a method or listener) for `event` cannot be called, or
 * only partly, with the shards' intents and the parsed events
 * (`undefined`: all): once for the events option, once per group of
 * shards for their intents (naming them when the shards differ).
 */
export function warnUndeliverable(
  groups: readonly ShardIntents[],
  parsed: ReadonlySet<string> | undefined,
  event: GatewayEventName,
  what: string,
): void {
  if (parsed !== undefined && !parsed.has(event)) {
    visible.warn(
      "{what} will never be called: {event} is not in the Client's 'events' option",
      { what, event },
    );
    return;
  }
  for (const { intents, shards } of groups) {
    warnForIntents(
      intents,
      shards === undefined ? "" : ` on ${shards}`,
      event,
      what,
    );
  }
}

/** The warning for one group of shards; `where` names them, or is empty. */
function warnForIntents(
  intents: number,
  where: string,
  event: GatewayEventName,
  what: string,
): void {
  if (
    event === "GUILD_MEMBER_UPDATE" &&
    (intents & GatewayIntent.GuildMembers) === 0
  ) {
    // Discord sends the bot's own member's updates without the intent.
    visible.warn(
      "{what}: without the GuildMembers intent{where}, only the bot's own member updates arrive",
      { what, where },
    );
  } else if (!eventDeliverable(event, intents)) {
    const needed = EVENT_INTENTS[event].join(" or ");
    visible.warn(
      "{what} will never be called{where}: {event} needs the {needed} intent, which is not requested",
      { what, where, event, needed },
    );
  } else if (
    (event === "MESSAGE_CREATE" || event === "MESSAGE_UPDATE") &&
    (intents & GatewayIntent.MessageContent) === 0 &&
    // Only DMs arrive without GuildMessages, and a DM's content always does.
    (intents & GatewayIntent.GuildMessages) !== 0
  ) {
    visible.warn(
      "{what}: without the MESSAGE_CONTENT intent{where}, message content is empty except in DMs and messages that mention the bot",
      { what, where },
    );
  }
}
