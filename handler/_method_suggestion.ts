// The Handler method a bot author most likely meant by an `on…` method that
// matches no event: for the start-up warning's "did you mean". Wrong advice
// is worse than none (onVoiceUpdate was once told onGuildUpdate), so each
// rule answers only when it points at one method.
import { closestName } from "../base/closest_name.ts";
import { GATEWAY_EVENT_NAMES, HANDLER_METHOD_NAMES } from "../types/events.ts";

/**
 * Names other libraries and guesses use, lower-cased, with the method that
 * gets their event. Edit distance cannot find these: they are other words.
 */
const ALIASES: Readonly<Record<string, string>> = {
  onmessage: "onMessageCreate",
  onmessageedit: "onMessageUpdate",
  onmemberjoin: "onGuildMemberAdd",
  onmemberleave: "onGuildMemberRemove",
  onguildjoin: "onGuildCreate",
  onguildadd: "onGuildCreate",
  onguildleave: "onGuildDelete",
  onreactionadd: "onMessageReactionAdd",
  onvoiceupdate: "onVoiceStateUpdate",
  onslashcommand: "onInteractionCreate",
  oncommand: "onInteractionCreate",
  onbuttonclick: "onInteractionCreate",
};

/**
 * Edit distance share for method names: they share long parts (`onGuild`,
 * `Update`), so a third of the length let another word through
 * (onGuildRoleAdd: onGuildBanAdd; onMemberUpdate: onUserUpdate).
 */
const METHOD_NAME_SHARE = 1 / 4;

/**
 * The method `name` most likely meant, among `methods` (the event methods
 * and Handler's own `on…` methods): a known alias, a near spelling, the
 * name with `Guild` or `Message` put back after `on` (onMemberAdd,
 * onReactionRemove), or the one method it begins with a word at least
 * (onTyping). `undefined` when no rule points at exactly one.
 *
 * @param name An `on…` method name that is no Handler method.
 * @param methods The Handler's method names.
 * @returns The method meant, or `undefined`.
 */
export function suggestMethod(
  name: string,
  methods: readonly string[],
): string | undefined {
  const lower = name.toLowerCase();
  const alias = ALIASES[lower];
  if (alias !== undefined) return alias;
  const near = closestName(name, methods, METHOD_NAME_SHARE);
  if (near !== undefined) return near;
  const byLower = new Map(methods.map((m) => [m.toLowerCase(), m]));
  const rest = lower.slice(2);
  const completed = ["guild", "message"]
    .map((word) => byLower.get(`on${word}${rest}`))
    .filter((m) => m !== undefined);
  // Both (onDelete: onGuildDelete or onMessageDelete) is no answer.
  if (completed.length === 1) return completed[0];
  // A word at least: `onW` beginning only onWebhooksUpdate is no guess.
  if (rest.length < 4) return undefined;
  const begun = new Set(
    methods.filter((m) => m.toLowerCase().startsWith(lower)),
  );
  return begun.size === 1 ? [...begun][0] : undefined;
}

/**
 * Event methods by the names other libraries give them: the event in
 * camelCase (`messageCreate`, discord.js) and in snake_case
 * (`message_create`).
 */
const FOREIGN_EVENT_NAMES: ReadonlyMap<string, string> = new Map(
  GATEWAY_EVENT_NAMES.flatMap((event) => {
    const method = HANDLER_METHOD_NAMES[event];
    const camel = method.charAt(2).toLowerCase() + method.slice(3);
    return [[camel, method], [event.toLowerCase(), method]];
  }),
);

/**
 * The `on…` name a method named in another library's style stands for, for
 * the start-up warning (the Client never calls it): an event's name in
 * camelCase or snake_case (`messageCreate`, `guild_member_add`) gives its
 * event method, an `on_` name (`on_message`, discord.py) the same name in
 * this library's shape (`onMessage`), for {@linkcode suggestMethod}.
 * `undefined` for any other name: a bot's own helpers are no mistake.
 *
 * @param name A method name that does not begin with `on` and a letter.
 * @returns The `on…` name, or `undefined`.
 */
export function onShapedName(name: string): string | undefined {
  const method = FOREIGN_EVENT_NAMES.get(name);
  if (method !== undefined) return method;
  if (!/^on_[A-Za-z0-9_]*[A-Za-z0-9]$/.test(name)) return undefined;
  return "on" +
    name.slice(3).split("_").map((word) =>
      word.charAt(0).toUpperCase() + word.slice(1)
    ).join("");
}
