/**
 * The fake gateway and the fake REST API joined into one fake Discord, for
 * testing a whole bot: a message the bot creates over REST comes back as a
 * `MESSAGE_CREATE` dispatch, and a test can play a user who writes, edits
 * or deletes a message or runs a slash command and await the bot's answer.
 *
 * @module
 */
// Why one file of over 800 lines, for now: it is the one face a bot's
// test talks to, and most of its length is the simulated user's actions (a
// message, its edit and delete, a slash or context-menu command, a click,
// a select, a modal), each with the checks Discord's client makes before
// sending it. Candidate for a cut: building and checking a command's
// options (`#optionList` and its helpers) in a private module, as
// `_component_checks.ts` is for components.
import { assertTokenOption } from "../base/bot_token.ts";
import { textLength } from "../base/text_length.ts";
import {
  MAX_TIMER_DELAY,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";
import type { Transport } from "../gateway/transport.ts";
import {
  assertIntegerOption,
  assertSchedulerOption,
} from "../base/option_checks.ts";
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";
import { fixtureChannels, textChannelId } from "./_gateway_model.ts";
import {
  assertEditable,
  assertNotDeleted,
  openForUserMessage,
} from "./_user_channel_checks.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { loopbackProxyNotice } from "./_loopback_proxy_unchecked.ts";
import { AnswerWaits } from "./_answer_waits.ts";
import { interactionPermissions } from "./_interaction_permissions.ts";
import { authorizingIntegrationOwners } from "./_integration_owners.ts";
import {
  checkChannelTypes,
  checkModalAnswer,
  checkUploadedFiles,
  shownAnswer,
} from "./_modal_answers.ts";
import type { RestMessage, RestUser } from "../rest/payloads.ts";
import {
  FakeGateway,
  type FakeGatewayOptions,
  type FakeGuildSeed,
} from "./fake_gateway.ts";
import type { FakeChannel } from "./fake_resources.ts";
import {
  type FakeGatewayServer,
  serveFakeGateway,
} from "./fake_gateway_server.ts";
import {
  FakeRest,
  type FakeRestServer,
  type RecordedInteractionResponse,
} from "./fake_rest.ts";
import { ANSWER_DEADLINE } from "../interactions/context.ts";
import type {
  ChatInputCommand,
  Choice,
  MessageCommand,
  OptionDefinition,
  OptionMap,
  RequiredKeys,
  SubcommandDefinition,
  SubcommandGroupDefinition,
  UserCommand,
} from "../interactions/commands.ts";
import type { HasSubcommands } from "../interactions/routed_interaction.ts";
import type {
  MessageCreateDispatch,
  MessageDeleteDispatch,
} from "../types/dispatch_payloads.ts";
import {
  checkGatewayOptionKeys,
  checkOptionKeys,
  gatewayKeysChecked,
} from "./_gateway_checks.ts";
import { InteractionSigner } from "./interaction_signer.ts";
import { KnownUsers } from "./_fake_discord_users.ts";
import { messageMentions } from "./_message_mentions.ts";
import { markTokenReset, watchTokenReset } from "./_token_reset.ts";
import { type FakeClock, fakeClockOf } from "./_fake_clock.ts";

/** Options for {@linkcode FakeDiscord.start}. */
export interface FakeDiscordOptions {
  /**
   * The bot token the fake accepts.
   *
   * @default {"fake-token"}
   */
  token?: string;
  /**
   * Serve the gateway and the REST API on 127.0.0.1 (real sockets, real
   * HTTP) instead of in-process.
   *
   * @default {false}
   */
  loopback?: boolean;
  /**
   * The clock of both fakes. Timestamps and snowflake ids, the bot's and
   * the simulated users' alike, read one wall clock from it: a clock below
   * the year 2001 (a virtual one starting at 0) counts from 2025-01-01, as
   * FakeRest's `scheduler` option does; see
   * {@linkcode FakeDiscord.wallClock} to give a bot the same time.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * The shard count GET /gateway/bot recommends: an integer from 1 to
   * 65,536 (what a client accepts from Discord).
   *
   * @default {1}
   */
  shards?: number;
  /**
   * How long {@linkcode FakeDiscord.say} and
   * {@linkcode FakeDiscord.runCommand} wait for the bot, in milliseconds.
   * An interaction (`runCommand`, a click, a select, a modal, an
   * autocomplete) waits at most 3 s whatever this says: Discord refuses an
   * initial response that comes later (404 `10062 Unknown interaction`), so
   * the wait rejects at the deadline, naming the 3 s rule. An integer
   * from 1 to 2^31 - 1 (a timer's longest wait).
   *
   * @default {10000}
   */
  answerTimeout?: number;
  /**
   * What {@linkcode FakeDiscord.runCommand} (and the context-menu and
   * autocomplete actions) do with a command the bot never registered (no
   * bulk overwrite stored one by that name and type, globally or for the
   * guild): a user could not run it on Discord, so a test that runs it may
   * pass while the bot in production has no such command. `"warn"` runs it
   * and says so on stderr, once per command; `"reject"` rejects the action
   * instead. Either way `{ unregistered: true }` on the action runs it
   * without a word (a test of what the bot does with an unknown command).
   *
   * @default {"warn"}
   */
  unregisteredCommands?: "warn" | "reject";
  /**
   * Anything else for the fake gateway (guilds, heartbeat interval, ...).
   * `scheduler` and `tokens` are not taken here: the top-level `scheduler`
   * and `token` set them, and {@linkcode FakeGateway.setPrivilegedIntents}
   * (on {@linkcode FakeDiscord.gateway}) takes the token's privileged
   * intents away. A key that is not an option throws a `TypeError`.
   */
  gateway?: Omit<FakeGatewayOptions, "scheduler" | "tokens">;
}

/** The keys of {@linkcode FakeDiscordOptions}: the compiler keeps it complete. */
const OPTION_KEYS: readonly string[] = Object.keys(
  {
    token: true,
    loopback: true,
    scheduler: true,
    shards: true,
    answerTimeout: true,
    unregisteredCommands: true,
    gateway: true,
  } satisfies Record<keyof FakeDiscordOptions, true>,
);

/** The keys of {@linkcode FakeUserActionOptions}: the compiler keeps it complete. */
const ACTION_KEYS: readonly string[] = Object.keys(
  {
    channelId: true,
    guildId: true,
    author: true,
  } satisfies Record<keyof FakeUserActionOptions, true>,
);

/** The keys of {@linkcode FakeCommandOptions}. */
const COMMAND_KEYS: readonly string[] = [
  ...ACTION_KEYS,
  ...Object.keys(
    { unregistered: true } satisfies Record<
      Exclude<keyof FakeCommandOptions, keyof FakeUserActionOptions>,
      true
    >,
  ),
];

/** The keys of {@linkcode FakeDiscord.autocomplete}'s options. */
const AUTOCOMPLETE_KEYS: readonly string[] = [
  ...COMMAND_KEYS,
  "subcommand",
  "filled",
];

/**
 * The fields of a stored channel a resolved partial channel keeps
 * (receiving-and-responding, Resolved Data Structure: "Partial Channel
 * objects only have ..."; threads also `thread_metadata`); `permissions`
 * and `app_permissions` are computed.
 */
const PARTIAL_CHANNEL_FIELDS: readonly string[] = [
  "id",
  "name",
  "type",
  "last_message_id",
  "last_pin_timestamp",
  "nsfw",
  "parent_id",
  "guild_id",
  "flags",
  "rate_limit_per_user",
  "topic",
  "position",
  "thread_metadata",
];

/** Where an interaction runs: its channel and guild (`null`: a DM). */
type FakePlace = { channelId: string; guildId: string | null };

/** Who the option messages name. */
const NAME = "FakeDiscord";

/** The simulated user's upload limit (10 MiB, no Nitro, no boosts). */
const ATTACHMENT_SIZE_LIMIT = 10_485_760;

/** Why `gateway.scheduler` and `gateway.tokens` are refused, and what instead. */
const EXCLUDED_GATEWAY_KEYS: Readonly<Record<string, string>> = {
  scheduler: "the top-level 'scheduler' clocks both fakes",
  tokens:
    "the fake accepts the one token in 'token'; to take its privileged intents away (the next IDENTIFY asking for one gets 4014), call fake.gateway.setPrivilegedIntents(fake.token, 0) after start",
};

/**
 * Where a simulated user acts. An action given a key that is not one of
 * these throws a `TypeError` (a misspelt `channelId` would otherwise act in
 * the default channel without a word).
 */
export interface FakeUserActionOptions {
  /**
   * The channel. One the fake has not seen is created: a text channel of
   * the guild, whose `CHANNEL_CREATE` the gateway dispatches first (so a
   * bot's cache holds it, as Discord's channels exist before anyone posts
   * in them), or a DM with the author.
   *
   * @default {FakeDiscord.channelId}
   */
  channelId?: string;
  /**
   * The guild; `null` for a DM.
   *
   * @default {FakeDiscord.guildId}
   */
  guildId?: string | null;
  /**
   * Who acts.
   *
   * @default {FakeDiscord.user}
   */
  author?: RestUser;
}

/** Where a simulated user runs a command, and whether it must be registered. */
export interface FakeCommandOptions extends FakeUserActionOptions {
  /**
   * Run the command even though the bot never registered it, as for a test
   * of what the bot answers to an unknown command; without it such a run
   * is warned about or rejected (see
   * {@linkcode FakeDiscordOptions.unregisteredCommands}).
   *
   * @default {false}
   */
  unregistered?: boolean;
}

/**
 * What a client needs to talk to the fake (spread it into `ClientOptions`,
 * or into `ShardOptions` for a bare shard): nothing built from it can reach
 * the real Discord. It always carries the fake gateway's URL, so a bare shard
 * never falls back to the default (Discord's) gateway URL, and `shards:
 * "recommended"`, so a client still asks the fake's GET /gateway/bot for the
 * shard count and session start limit, as it asks Discord's. On loopback it
 * carries the fake servers' URLs; in-process the fake's own transport and
 * `fetch`, which no URL can lead past.
 */
export interface FakeDiscordClientOptions {
  /**
   * The fake gateway's URL: `ws://127.0.0.1:…` on loopback, the in-process
   * gateway's {@linkcode FakeGateway.url} otherwise.
   */
  gatewayUrl: string;
  /**
   * Ask the fake's GET /gateway/bot for the shard count (a `Client` given
   * a `gatewayUrl` would otherwise run one shard without asking). A bare
   * `Shard` ignores it.
   */
  shards: "recommended";
  /** In-process: the gateway transport. */
  transport?: Transport;
  /** In-process: the REST `fetch`. */
  fetch?: typeof fetch;
  /** Loopback: the REST base URL. */
  restBaseUrl?: string;
  /** The fake's clock, when it is not the real one. */
  scheduler?: Scheduler;
}

/**
 * A message as the gateway dispatched it (`MESSAGE_CREATE` or
 * `MESSAGE_UPDATE`): the stored message plus, in a guild, `guild_id` and the
 * author's `member`, as Discord sends them.
 */
export type FakeDispatchedMessage = MessageCreateDispatch;

/** The `MESSAGE_DELETE` a simulated user's delete dispatched. */
export type FakeDeletedMessage = MessageDeleteDispatch;

/** A slash command a simulated user runs. */
export interface FakeSlashCommand {
  /** The command name. */
  name: string;
  /**
   * Its options, as Discord sends them: each a value, or (a subcommand,
   * type 1, or a subcommand group, type 2) the options nested in it. The
   * type refers to itself by this field rather than by a name of its own,
   * so the testing entry point exports no extra type for it.
   *
   * @example A subcommand with one option
   * ```ts
   * import type { FakeSlashCommand } from "@disruption/disruption/testing";
   *
   * // `/tag add n:x`, for `discord.runCommand(tagAdd)`
   * const tagAdd: FakeSlashCommand = {
   *   name: "tag",
   *   options: [{
   *     name: "add",
   *     type: 1,
   *     options: [{ name: "n", type: 3, value: "x" }],
   *   }],
   * };
   * ```
   */
  options?: {
    /** The option name. */
    name: string;
    /** Its type (Discord's application command option type). */
    type: number;
    /** Its value: none for a subcommand or a group. */
    value?: unknown;
    /** A subcommand's options, or a group's subcommand. */
    options?: FakeSlashCommand["options"];
  }[];
}

/**
 * A role a simulated user picks for a role or mentionable option. In a
 * guild the fake's resources hold, one of its roles (the interaction
 * resolves the stored role, as Discord's client offers only those; any
 * other ID is refused); in a guild named only by `guildId`, whose roles the
 * fake does not know, any, resolved as given.
 */
export interface FakeRoleInput {
  /** The role ID. */
  id: string;
  /**
   * The role name: a stored role's own is what the interaction carries;
   * this one only in a guild the resources do not hold.
   */
  name: string;
}

/**
 * A channel a simulated user picks for a channel option: one of the
 * interaction's guild (as the fake stores it, the one the command runs in
 * included), which the interaction resolves as Discord's partial channel;
 * any other ID is refused, but in a guild named only by `guildId`, whose
 * channels the fake does not know, where one not stored is resolved as
 * given.
 */
export interface FakeChannelInput {
  /** The channel ID. */
  id: string;
  /**
   * Its type: a stored channel's own is what the interaction carries; this
   * one only for a channel made up in a guild the resources do not hold.
   *
   * @default {0}
   */
  type?: number;
  /**
   * Its name, as `type` is used.
   *
   * @default {"channel"}
   */
  name?: string;
}

/** A file a simulated user attaches to an attachment option. */
export interface FakeAttachmentInput {
  /** The file name. */
  filename: string;
  /**
   * Size in bytes.
   *
   * @default {0}
   */
  size?: number;
  /** Media type. */
  content_type?: string;
}

/** What a simulated user gives for one option definition. */
export type FakeOptionInputFor<D> = D extends OptionDefinition<infer T, infer V>
  ? T extends 3 | 4 | 5 | 10 ? V
  : T extends 6 ? RestUser
  : T extends 7 ? FakeChannelInput
  : T extends 8 ? FakeRoleInput
  : T extends 9 ? RestUser | FakeRoleInput
  : T extends 11 ? FakeAttachmentInput
  : never
  : never;

/** What a simulated user fills in for a command's (or subcommand's) options. */
export type FakeOptionInput<O extends OptionMap> =
  & { [K in RequiredKeys<O> & keyof O]: FakeOptionInputFor<O[K]> }
  & { [K in Exclude<keyof O, RequiredKeys<O>>]?: FakeOptionInputFor<O[K]> };

/** Which subcommand a simulated user runs, with its options. */
export type FakeSubcommandInput<O extends OptionMap> = {
  [K in keyof O & string]: O[K] extends SubcommandDefinition<infer SO> ? {
      /** The subcommand. */
      subcommand: K;
      /** Its options. */
      options: FakeOptionInput<SO>;
    }
    : O[K] extends SubcommandGroupDefinition<infer S> ? {
        [G in keyof S & string]: S[G] extends SubcommandDefinition<infer GO>
          ? { subcommand: `${K} ${G}`; options: FakeOptionInput<GO> }
          : never;
      }[keyof S & string]
    : never;
}[keyof O & string];

/** The input for a command: its options, or a subcommand and its options. */
export type FakeCommandInput<C extends ChatInputCommand> =
  HasSubcommands<C["options"]> extends true ? FakeSubcommandInput<C["options"]>
    : FakeOptionInput<C["options"]>;

/** A submitted modal's values by custom id. */
export type FakeModalValues = Record<
  string,
  string | string[] | boolean | FakeAttachmentInput[]
>;

const visible = getVisibleLogger(["disruption", "testing"]);

/** A MESSAGE_DELETE's payload: `guild_id` only in a guild. */
function deletedMessage(
  id: string,
  channelId: string,
  guildId: string | null,
): FakeDeletedMessage {
  return {
    id,
    channel_id: channelId,
    ...(guildId === null ? {} : { guild_id: guildId }),
  };
}

/**
 * A role option's role in a guild the fake's resources do not hold: as the
 * test gave it, with a role's other fields at their defaults.
 */
function madeUpRole(input: FakeRoleInput): Record<string, unknown> {
  return {
    id: input.id,
    name: input.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position: 1,
    permissions: "0",
    managed: false,
    mentionable: true,
    flags: 0,
  };
}

/**
 * A fake Discord: {@linkcode FakeGateway} + {@linkcode FakeRest}, joined.
 *
 * The REST side knows the channels the gateway announced (every guild's,
 * from GUILD_CREATE) and those a simulated user acts in, and answers 404
 * `10003 Unknown Channel` for messages elsewhere (`channels: "known"`); its
 * GET /gateway/bot reports the gateway's live session start budget. An
 * interaction must get its initial response within 3 s, as on Discord, and
 * a callback for an interaction the fake never dispatched gets 404 `10062
 * Unknown interaction` (`interactions: "known"`). A message's `mentions`,
 * `mention_roles` and `mention_everyone` come from its content (`<@id>`,
 * `<@&id>`, `@everyone`), a user's and the bot's alike.
 *
 * What the bot changes over REST comes back through the gateway as Discord
 * sends it, to a session whose intents take it: its messages created,
 * edited (an interaction's original response and follow-ups included) and
 * deleted (`MESSAGE_CREATE` / `_UPDATE` / `_DELETE`), a bulk delete
 * (`MESSAGE_DELETE_BULK`), roles created, edited, reordered or deleted
 * (`GUILD_ROLE_*`), a member's roles or fields edited (`GUILD_MEMBER_UPDATE`)
 * or a member kicked (`GUILD_MEMBER_REMOVE`), guild channels created, edited
 * (overwrites and positions too) or deleted (`CHANNEL_*`; a thread's
 * `THREAD_UPDATE` / `THREAD_DELETE`), reactions added or removed
 * (`MESSAGE_REACTION_ADD` / `_REMOVE` / `_REMOVE_ALL` / `_REMOVE_EMOJI`).
 * Not dispatched: a thread started (`THREAD_CREATE`), thread members
 * (`THREAD_MEMBERS_UPDATE`), pins (`CHANNEL_PINS_UPDATE`), bans and prunes
 * (`GUILD_BAN_ADD` / `_REMOVE`, `GUILD_MEMBER_REMOVE`), guild edits
 * (`GUILD_UPDATE`), webhooks (`WEBHOOKS_UPDATE`), the bot's user
 * (`USER_UPDATE`), commands (`APPLICATION_COMMAND_PERMISSIONS_UPDATE`),
 * and a crosspost's `MESSAGE_UPDATE`. A simulated user who first acts in a
 * guild joins it (`GUILD_MEMBER_ADD`, before their message) and is its
 * member over REST too (kicked, they join again when they next act), and
 * op 8 and GUILD_CREATE's `member_count` know the members the REST side
 * holds, besides the gateway's generated members.
 *
 * @example Test a bot end to end
 * ```ts
 * import { FakeDiscord } from "@disruption/disruption/testing";
 * import { Client } from "@disruption/disruption/handler";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * await using discord = await FakeDiscord.start();
 * await using client = new Client({
 *   token: discord.token,
 *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
 *   ...discord.clientOptions,
 * });
 * client.on("MESSAGE_CREATE", async (message, ctx) => {
 *   if (message.content === "!ping") await ctx.reply(message, "pong");
 * });
 * await client.start();
 * const answer = await discord.say("!ping");
 * assert.equal(answer.content, "pong");
 * ```
 *
 * The token may use every privileged intent until a test takes them away
 * with `discord.gateway.setPrivilegedIntents(discord.token, bits)`
 * ({@linkcode FakeGateway.setPrivilegedIntents}): the next IDENTIFY that
 * asks for one it may not use is closed with 4014, as Discord does when the
 * intent is off in the Developer Portal. (`FakeDiscord.start` takes no
 * `gateway.tokens`; it throws a `TypeError` naming this method.)
 *
 * @example Simulate a privileged intent that is off in the portal (4014)
 * ```ts
 * import { FakeDiscord } from "@disruption/disruption/testing";
 * import { Client } from "@disruption/disruption/handler";
 * import type { GatewayError } from "@disruption/disruption/gateway";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * await using discord = await FakeDiscord.start();
 * discord.gateway.setPrivilegedIntents(discord.token, 0);
 * await using client = new Client({
 *   token: discord.token,
 *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
 *   ...discord.clientOptions,
 * });
 * await assert.rejects(client.start(), (error: GatewayError) => {
 *   assert.equal(error.kind, "disallowed_intents");
 *   assert.equal(error.closeCode, 4014);
 *   return true;
 * });
 * ```
 */
export class FakeDiscord {
  /** The fake gateway. */
  readonly gateway: FakeGateway;
  /** The fake REST API. */
  readonly rest: FakeRest;
  /** The token the fake accepts. */
  readonly token: string;
  /** The guild simulated users write in. */
  readonly guildId: string;
  /** The text channel simulated users write in. */
  readonly channelId: string;
  /** The simulated user. */
  readonly user: RestUser;
  readonly #scheduler: Scheduler;
  readonly #answerTimeout: number;
  readonly #unregisteredCommands: "warn" | "reject";
  /** Unregistered commands already warned about (`type name`). */
  readonly #unregisteredWarned = new Set<string>();
  readonly #gatewayServer: FakeGatewayServer | undefined;
  readonly #restServer: FakeRestServer | undefined;
  readonly #channelGuilds = new Map<string, string | null>();
  readonly #messageWaiters = new Set<(message: RestMessage) => boolean>();
  readonly #responseWaiters = new Set<
    (response: RecordedInteractionResponse) => boolean
  >();
  /**
   * FakeRest's wall clock and snowflakes: the simulated users' messages are
   * dated, and their ids ordered, with the bot's.
   */
  readonly #clock: FakeClock;
  /** Signs HTTP interactions; its public key goes to the endpoint. */
  readonly signer: InteractionSigner;
  #endpoint: ((request: Request) => Promise<Response>) | undefined;
  /** Interaction ID → the message of the component it came from. */
  readonly #interactionMessages = new Map<string, string>();
  /** The waits for the bot's answers, cancelled by close(). */
  readonly #waits: AnswerWaits;
  /** Deliveries that failed, by interaction ID (reported to the waiter). */
  readonly #failures = new Map<string, unknown>();
  /** The users mentions find besides the REST resources' ones. */
  readonly #users: KnownUsers;

  private constructor(
    gateway: FakeGateway,
    rest: FakeRest,
    options: {
      token: string;
      scheduler: Scheduler;
      answerTimeout: number;
      unregisteredCommands: "warn" | "reject";
      gatewayServer: FakeGatewayServer | undefined;
      restServer: FakeRestServer | undefined;
      signer: InteractionSigner;
      guildSeeds: readonly FakeGuildSeed[];
      membersPerGuild: number;
    },
  ) {
    this.signer = options.signer;
    this.gateway = gateway;
    this.rest = rest;
    this.token = options.token;
    this.#scheduler = options.scheduler;
    this.#clock = fakeClockOf(rest);
    this.#answerTimeout = options.answerTimeout;
    this.#waits = new AnswerWaits(options.scheduler, (value) => {
      // A delivery that failed (#failWaiter) rejects its waiter.
      const id = (value as { interactionId?: string }).interactionId;
      if (id === undefined || !this.#failures.has(id)) return undefined;
      const error = this.#failures.get(id);
      this.#failures.delete(id);
      return { error };
    });
    this.#unregisteredCommands = options.unregisteredCommands;
    this.#gatewayServer = options.gatewayServer;
    this.#restServer = options.restServer;
    this.guildId = gateway.guildIds[0]!;
    // The guild's "general" channel, which its GUILD_CREATE lists (a
    // channel of its own id would be one Discord never announced).
    this.channelId = textChannelId(this.guildId);
    this.#channelGuilds.set(this.channelId, this.guildId);
    this.user = {
      id: this.#snowflake(),
      username: "tester",
      discriminator: "0",
      global_name: "Tester",
      avatar: null,
    };
    // The names GUILD_CREATE gives them (`_gateway_fixtures.ts`), and the
    // channels it lists (a seed's own `channels` replace the fixtures'):
    // the REST fake knows exactly the channels the bot was told about.
    gateway.guildIds.forEach((guildId, index) => {
      rest.resources.addGuild({ id: guildId, name: `Fake Guild ${index}` });
      const seeded = options.guildSeeds.find((seed) => seed.id === guildId)
        ?.channels;
      const channels = Array.isArray(seeded)
        ? (seeded as FakeChannel[]).map((channel) => ({
          ...channel,
          guild_id: guildId,
        }))
        : fixtureChannels(guildId);
      for (const channel of channels) rest.resources.addChannel(channel);
    });
    this.#ensureChannel(this.channelId, this.guildId, this.user);
    rest.resources.addMember(this.guildId, this.user);
    this.#users = new KnownUsers(
      rest.resources,
      gateway.guildIds,
      options.membersPerGuild,
    );
    // The bot's messages mention the gateway's members and the simulated
    // users too, not only those the REST resources hold.
    rest.knownUser = (id) => this.#users.user(id);
    // Op 8 and GUILD_CREATE know the members REST knows, as on Discord.
    gateway.setExtraMembers((guildId) => this.#users.members(guildId));
    rest.onMessageCreate = (message) => this.#botMessage(message);
    // The bot's own edits and deletes (an interaction's original response
    // and follow-ups included) come back as on Discord, or its cache keeps
    // the stale message.
    rest.onMessageUpdate = (message) => {
      const guildId = this.#guildOf(message.channel_id);
      this.gateway.dispatch(
        "MESSAGE_UPDATE",
        this.#dispatched(message, guildId),
        { guildId, warnIfFiltered: false },
      );
    };
    rest.onMessageDelete = ({ id, channel_id }) => {
      const guildId = this.#guildOf(channel_id);
      this.gateway.dispatch(
        "MESSAGE_DELETE",
        deletedMessage(id, channel_id, guildId),
        { guildId, warnIfFiltered: false },
      );
    };
    // Roles, members, channels, reactions, bulk deletes (see FakeRest's
    // onGatewayEvent): what the bot changed, as Discord reports it.
    rest.onGatewayEvent = (event, data, guildId) =>
      void this.gateway.dispatch(event, data, {
        guildId,
        warnIfFiltered: false,
      });
    rest.onInteractionResponse = (response) => {
      for (const waiter of this.#responseWaiters) {
        if (waiter(response)) this.#responseWaiters.delete(waiter);
      }
    };
  }

  /**
   * Start a fake Discord, in-process or on loopback.
   *
   * @param options Token, loopback and the gateway's options.
   * @returns The running fake; close it when done.
   * @throws {TypeError} When `options` or `options.gateway` has a key that
   *   is not one of their options (`gateway.tokens` and
   *   `gateway.scheduler` included: see {@linkcode FakeDiscordOptions.gateway}),
   *   or the fake gateway refuses its options.
   * @throws {RangeError} When `shards` or `answerTimeout` is out of range.
   */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const what = "start FakeDiscord";
    checkOptionKeys(what, "", options, OPTION_KEYS);
    // The gateway's keys, nested ones included, are checked here in this
    // option's terms ('gateway.rateLimit.limt'), and not again by
    // FakeGateway's constructor (see gatewayKeysChecked below).
    checkGatewayOptionKeys(options.gateway, {
      what,
      path: "gateway.",
      excluded: EXCLUDED_GATEWAY_KEYS,
    });
    const unregisteredCommands = options.unregisteredCommands ?? "warn";
    if (unregisteredCommands !== "warn" && unregisteredCommands !== "reject") {
      throw new TypeError(
        `Cannot start FakeDiscord as 'unregisteredCommands' must be "warn" or "reject": current value 'unregisteredCommands=${
          String(unregisteredCommands)
        }'`,
      );
    }
    // Checked here, not when a client reads GET /gateway/bot or a wait ends.
    const { shards, answerTimeout = 10_000 } = options;
    if (shards !== undefined) {
      assertIntegerOption(NAME, "shards", shards, 1, MAX_RECOMMENDED_SHARDS);
    }
    assertIntegerOption(
      NAME,
      "answerTimeout",
      answerTimeout,
      1,
      MAX_TIMER_DELAY,
    );
    // A token no client takes (a space in it) failed later, at the Client.
    const token = assertTokenOption(NAME, options.token ?? "fake-token");
    assertSchedulerOption(NAME, options.scheduler);
    const scheduler = options.scheduler ?? realScheduler;
    // A token the gateway resets (its session-start budget ran out) is
    // refused by REST too, as on Discord; no IDENTIFY reaches the gateway
    // before `rest` exists.
    const gatewayOptions: FakeGatewayOptions = watchTokenReset(
      gatewayKeysChecked({
        guilds: 1,
        ...options.gateway,
        scheduler,
        tokens: [token],
      }),
      token,
      () => markTokenReset(rest),
    );
    const gateway = new FakeGateway(gatewayOptions);
    let gatewayServer: FakeGatewayServer | undefined;
    let restServer: FakeRestServer | undefined;
    if (options.loopback) {
      const warning = loopbackProxyNotice();
      if (warning) visible.warn(warning);
      gatewayServer = await serveFakeGateway(gateway);
    }
    const bot = gateway.gatewayBot(token);
    const rest = new FakeRest({
      token,
      scheduler,
      // The same name as in READY, so the bot's messages show who it is.
      botUser: gateway.botUser,
      gatewayUrl: gatewayServer?.url ?? gateway.url,
      shards: options.shards ?? bot.shards,
      // Live: the gateway counts IDENTIFYs down and the window resets.
      sessionStartLimit: () => gateway.sessionStartLimit(token),
      // Messages only in channels that exist, as on Discord.
      channels: "known",
      // Callbacks only for interactions the fake dispatched (404 10062
      // Unknown interaction for any other id, as on Discord).
      interactions: "known",
    });
    if (options.loopback) restServer = rest.serve();
    return new FakeDiscord(gateway, rest, {
      token,
      scheduler,
      answerTimeout,
      unregisteredCommands,
      gatewayServer,
      restServer,
      signer: await InteractionSigner.create(),
      guildSeeds: Array.isArray(options.gateway?.guilds)
        ? options.gateway.guilds.filter((seed): seed is FakeGuildSeed =>
          typeof seed === "object"
        )
        : [],
      // FakeGateway's default, which its constructor checked.
      membersPerGuild: options.gateway?.membersPerGuild ?? 1,
    });
  }

  /**
   * The fakes' wall-clock time: what both date messages and snowflake ids
   * with. On a real clock it is `Date.now()`; on a virtual one its 0 is
   * 2025-01-01T00:00:00Z, so hand this to a bot that reads the time (a
   * snowflake's age, a timeout's end) to keep it on the fakes' clock.
   *
   * @returns Milliseconds since the Unix epoch.
   *
   * @example A user's message is dated on the virtual clock
   * ```ts
   * import { FakeDiscord, VirtualScheduler } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const clock = new VirtualScheduler();
   * await using discord = await FakeDiscord.start({ scheduler: clock });
   * await clock.advance(60_000);
   * assert.equal(discord.wallClock(), Date.UTC(2025, 0, 1, 0, 1));
   * const posted = discord.postMessage("hi");
   * assert.equal(Date.parse(posted.timestamp), discord.wallClock());
   * ```
   */
  wallClock(): number {
    return this.#clock.now();
  }

  /** What a `Client` needs to reach this fake; spread it into the options. */
  get clientOptions(): FakeDiscordClientOptions {
    const options: FakeDiscordClientOptions =
      this.#restServer && this.#gatewayServer
        ? {
          gatewayUrl: this.#gatewayServer.url,
          shards: "recommended",
          restBaseUrl: this.#restServer.url,
        }
        : {
          gatewayUrl: this.gateway.url,
          shards: "recommended",
          transport: this.gateway.transport,
          fetch: this.rest.fetch,
        };
    if (this.#scheduler !== realScheduler) options.scheduler = this.#scheduler;
    return options;
  }

  /**
   * A simulated user posts `content`; the gateway dispatches the
   * `MESSAGE_CREATE` to the bot.
   *
   * @param content The message text.
   * @param options Channel, guild and author.
   * @returns The message as dispatched: in a guild with `guild_id` and the
   *   author's `member`, as Discord's `MESSAGE_CREATE` has them (the fake
   *   REST API stores it without them, as Discord's REST API returns it).
   *   Hand it to {@linkcode FakeDiscord.editMessage} or
   *   {@linkcode FakeDiscord.deleteMessage} to edit or delete it.
   * @throws {TypeError} When `options` has a key that is not one of its
   *   options.
   * @throws {Error} When the fake is closed (so are the other actions).
   *
   * It does not wait for the bot: await {@linkcode FakeDiscord.delivered},
   * then the client's `idle()`, before checking what the bot did.
   */
  postMessage(
    content: string,
    options: FakeUserActionOptions = {},
  ): FakeDispatchedMessage {
    this.#waits.assertOpen("post a message");
    // A misspelt option would post in the default channel without a word.
    checkOptionKeys("post a message", "", options, ACTION_KEYS);
    const channelId = options.channelId ?? this.channelId;
    const guildId = options.guildId === undefined
      ? this.#channelGuilds.get(channelId) ?? this.guildId
      : options.guildId;
    this.#channelGuilds.set(channelId, guildId);
    const author = options.author ?? this.user;
    this.#ensureChannel(channelId, guildId, author);
    openForUserMessage(this.rest.resources, channelId);
    const id = this.#snowflake();
    // The time its id carries, as on Discord.
    const timestamp = this.#clock.timestampOf(id);
    this.#remember(author, guildId, timestamp);
    const message: RestMessage = {
      id,
      channel_id: channelId,
      author,
      content,
      timestamp,
      edited_timestamp: null,
      tts: false,
      // Filled from the content as Discord does: a bot without
      // MESSAGE_CONTENT reads the content of a message mentioning it.
      ...messageMentions(content, guildId, this.#users.directory, {
        authorId: author.id,
      }),
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
    };
    const dispatched = this.#dispatched(message, guildId);
    this.rest.addMessage(message);
    this.gateway.dispatch("MESSAGE_CREATE", dispatched, { guildId });
    return structuredClone(dispatched);
  }

  /**
   * A simulated user edits the content of a message they posted; the
   * gateway dispatches the `MESSAGE_UPDATE` as Discord does: the whole
   * message with its new `content` and `edited_timestamp` (and, in a guild,
   * `guild_id` and `member`). The fake REST API's copy is edited too.
   *
   * @param message The message (its ID and channel are what count), e.g.
   *   what {@linkcode FakeDiscord.postMessage} returned.
   * @param content The new text.
   * @returns The message as dispatched.
   * @throws {Error} When the fake stores no such message (never posted, or
   *   deleted) or the bot wrote it (a user edits only their own messages).
   *
   * @example Test that a bot sees an edit
   * ```ts
   * import { FakeDiscord } from "@disruption/disruption/testing";
   * import { Client } from "@disruption/disruption/handler";
   * import { GatewayIntent } from "@disruption/disruption/types";
   * import assert from "node:assert/strict";
   *
   * await using discord = await FakeDiscord.start();
   * await using client = new Client({
   *   token: discord.token,
   *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
   *   ...discord.clientOptions,
   * });
   * const edits: string[] = [];
   * client.on("MESSAGE_UPDATE", (message) => void edits.push(message.content));
   * await client.start();
   * const posted = discord.postMessage("helo");
   * const edited = discord.editMessage(posted, "hello");
   * assert.equal(edited.guild_id, discord.guildId);
   * assert.notEqual(edited.edited_timestamp, null);
   * await discord.delivered(); // the bot has read the edit
   * await client.idle(); // and its handlers finished
   * assert.deepEqual(edits, ["hello"]);
   * ```
   */
  editMessage(
    message: { id: string; channel_id: string },
    content: string,
  ): FakeDispatchedMessage {
    this.#waits.assertOpen("edit a message");
    const stored = this.#stored(message, "edit");
    assertEditable(this.rest.resources, stored.channel_id);
    if (stored.author.id === this.rest.botUser.id) {
      throw new Error(
        `Cannot edit message ${message.id} as a user: the bot wrote it, and only its author can edit a message`,
      );
    }
    const guildId = this.#channelGuilds.get(stored.channel_id) ?? null;
    const edited: RestMessage = {
      ...stored,
      content,
      // Discord parses the edited content's mentions again.
      ...messageMentions(content, guildId, this.#users.directory, {
        authorId: stored.author.id,
      }),
      edited_timestamp: this.#clock.timestamp(),
      // "The value for tts will always be false in message updates."
      tts: false,
    };
    this.rest.addMessage(edited);
    const dispatched = this.#dispatched(edited, guildId);
    this.gateway.dispatch("MESSAGE_UPDATE", dispatched, { guildId });
    return structuredClone(dispatched);
  }

  /**
   * A simulated user deletes a message (their own, or, as a moderator
   * would, the bot's); the gateway dispatches the `MESSAGE_DELETE` as
   * Discord does (`id`, `channel_id` and, in a guild, `guild_id`), and the
   * fake REST API forgets the message.
   *
   * @param message The message (its ID and channel are what count).
   * @returns The `MESSAGE_DELETE` data as dispatched.
   * @throws {Error} When the fake stores no such message.
   *
   * @example Test that a bot sees a delete
   * ```ts
   * import { FakeDiscord } from "@disruption/disruption/testing";
   * import { Client } from "@disruption/disruption/handler";
   * import { GatewayIntent } from "@disruption/disruption/types";
   * import assert from "node:assert/strict";
   *
   * await using discord = await FakeDiscord.start();
   * await using client = new Client({
   *   token: discord.token,
   *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
   *   ...discord.clientOptions,
   * });
   * const deleted: string[] = [];
   * client.on("MESSAGE_DELETE", (data) => void deleted.push(data.id));
   * await client.start();
   * const posted = discord.postMessage("oops");
   * discord.deleteMessage(posted);
   * await discord.delivered(); // the bot has read the delete
   * await client.idle(); // and its handlers finished
   * assert.deepEqual(deleted, [posted.id]);
   * assert.equal(discord.rest.messages(discord.channelId).length, 0);
   * ```
   */
  deleteMessage(
    message: { id: string; channel_id: string },
  ): FakeDeletedMessage {
    this.#waits.assertOpen("delete a message");
    const stored = this.#stored(message, "delete");
    this.rest.removeMessage(stored.id);
    const guildId = this.#channelGuilds.get(stored.channel_id) ?? null;
    const dispatched = deletedMessage(stored.id, stored.channel_id, guildId);
    this.gateway.dispatch("MESSAGE_DELETE", dispatched, { guildId });
    return { ...dispatched };
  }

  /** The fake REST API's copy of a message a user acts on. */
  #stored(
    message: { id: string; channel_id: string },
    action: string,
  ): RestMessage {
    const stored = this.rest.messages(message.channel_id).find((m) =>
      m.id === message.id
    );
    if (!stored) {
      throw new Error(
        `Cannot ${action} message ${message.id}: channel ${message.channel_id} has no such message (never posted, or deleted)`,
      );
    }
    return stored;
  }

  /**
   * A message as the gateway dispatches it: in a guild with `guild_id`, the
   * author's partial `member` and each mentioned member's, as Discord's
   * MESSAGE_CREATE and MESSAGE_UPDATE have them (a user's message and the
   * bot's own alike; Discord leaves the author's `member` out of a
   * webhook's message, such as an interaction response).
   */
  #dispatched(
    message: RestMessage,
    guildId: string | null,
  ): FakeDispatchedMessage {
    const dispatched: FakeDispatchedMessage = structuredClone(message);
    if (guildId !== null) {
      dispatched.guild_id = guildId;
      dispatched.mentions = dispatched.mentions.map((user) => {
        const member = this.#users.member(guildId, user.id);
        return member ? { ...user, member } : user;
      });
      if (message.webhook_id !== undefined) return dispatched;
      dispatched.member = {
        roles: [],
        joined_at: message.timestamp,
        deaf: false,
        mute: false,
        flags: 0,
      };
    }
    return dispatched;
  }

  /**
   * Resolve once the bot has read every dispatch the fake sent it so far:
   * a simulated user's action (a post, an edit, a delete)
   * dispatches without waiting for the bot, so await this, then the
   * client's `idle()`, before checking what the bot's handlers did (an
   * `idle()` alone may resolve before the bot has even read the event).
   * The same as {@linkcode FakeGateway.delivered} on
   * {@linkcode FakeDiscord.gateway}: in-process and on loopback, on any
   * clock; at once when no bot is connected.
   *
   * @returns A promise that resolves when the dispatches sent so far were
   *   read.
   *
   * @example Wait for an async handler
   * ```ts
   * import { FakeDiscord } from "@disruption/disruption/testing";
   * import { Client } from "@disruption/disruption/handler";
   * import { GatewayIntent } from "@disruption/disruption/types";
   * import assert from "node:assert/strict";
   *
   * await using discord = await FakeDiscord.start();
   * await using client = new Client({
   *   token: discord.token,
   *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
   *   ...discord.clientOptions,
   * });
   * client.on("MESSAGE_CREATE", async (message, ctx) => {
   *   if (message.content === "!ping") await ctx.reply(message, "pong");
   * });
   * await client.start();
   * discord.postMessage("!ping");
   * await discord.delivered();
   * await client.idle();
   * assert.equal(discord.rest.messages(discord.channelId).at(-1)?.content, "pong");
   * ```
   */
  delivered(): Promise<void> {
    return this.gateway.delivered();
  }

  /**
   * A simulated user posts `content`, and the bot's next message in that
   * channel is awaited. Like every wait for an answer here, it resolves a
   * turn after the answer, once the bot has the REST response: a handler
   * that replies, then awaits the user's answer, is waiting by then.
   *
   * @param content The message text.
   * @param options Channel, guild and author.
   * @returns The bot's answer, as created over REST.
   * @throws {TypeError} When `options` has a key that is not one of its
   *   options (thrown, not rejected: nothing was posted).
   * @throws {Error} When the bot does not answer in time, or (rejected)
   *   the fake is closed.
   */
  say(
    content: string,
    options: FakeUserActionOptions = {},
  ): Promise<RestMessage> {
    // Named as say()'s own refusal, not postMessage()'s.
    checkOptionKeys("say a message", "", options, ACTION_KEYS);
    // Posted before the wait starts, so a refused say() (a deleted channel,
    // a locked thread) leaves no wait behind for close() to reject. The bot
    // reads the message only later (a microtask or a socket away), so its
    // answer cannot come before the wait. Once the fake closed, refused
    // (rejected) with nothing posted.
    return this.#waits.run("say a message", () => {
      const posted = this.postMessage(content, options);
      return this.nextBotMessage(posted.channel_id);
    });
  }

  /**
   * Wait for the bot's next message (in `channelId`, or anywhere).
   *
   * @param channelId The channel to watch.
   * @returns The message, as created over REST.
   * @throws {Error} When none comes in time.
   */
  nextBotMessage(channelId?: string): Promise<RestMessage> {
    return this.#wait(
      this.#messageWaiters,
      (message: RestMessage) =>
        channelId === undefined || message.channel_id === channelId,
      "a bot message",
    );
  }

  /** The public key interactions are signed with (give it to the endpoint). */
  get publicKey(): string {
    return this.signer.publicKey;
  }

  /**
   * Deliver interactions to an HTTP interactions endpoint (signed, as
   * Discord does) instead of the gateway; the endpoint's answer is applied
   * as the interaction response. `undefined` switches back.
   *
   * @param endpoint The request handler (e.g. from `interactionsEndpoint`).
   */
  useEndpoint(
    endpoint: ((request: Request) => Promise<Response>) | undefined,
  ): void {
    this.#endpoint = endpoint;
  }

  /**
   * A simulated user runs a slash command; the gateway dispatches the
   * `INTERACTION_CREATE` (or the endpoint gets it) and the bot's
   * interaction response is awaited.
   *
   * The command must be registered (a bulk overwrite stored a slash
   * command of that name, globally or for the guild), as a user can run
   * only those; see {@linkcode FakeDiscordOptions.unregisteredCommands} and
   * {@linkcode FakeCommandOptions.unregistered}.
   *
   * @param command The command's name and options, as Discord sends them.
   * @param options Channel, guild and user; `unregistered: true` to run a
   *   command the bot never registered.
   * @returns The bot's interaction callback.
   * @throws {TypeError} (The promise rejects, as for every refusal here.)
   *   When `options` has a key that is not one of its fields, an option is
   *   unknown, missing though required, not among its choices, or not a
   *   role or channel of the interaction's guild, or the subcommand is
   *   unknown.
   * @throws {RangeError} When an option's value or length is out of range.
   * @throws {Error} When the bot does not answer within 3 s (Discord's
   *   deadline for the initial response) or `answerTimeout`, if shorter, or
   *   (with `unregisteredCommands: "reject"`) the command is not registered.
   */
  runCommand(
    command: FakeSlashCommand,
    options?: FakeCommandOptions,
  ): Promise<RecordedInteractionResponse>;
  /**
   * A simulated user runs a slash command defined with `command()`: option
   * values are typed from the definition (users, channels, roles and
   * attachments are resolved the way Discord does).
   *
   * The command must be registered, as for the other form.
   *
   * @typeParam C The command definition.
   * @param definition The command.
   * @param input The option values, or the subcommand and its values.
   * @param options Channel, guild and user; `unregistered: true` to run a
   *   command the bot never registered.
   * @returns The bot's interaction callback.
   * @throws {TypeError} (The promise rejects, as for every refusal here.)
   *   When `options` has a key that is not one of its fields, an option is
   *   unknown, missing though required, not among its choices, or not a
   *   role or channel of the interaction's guild, or the subcommand is
   *   unknown.
   * @throws {RangeError} When an option's value or length is out of range.
   * @throws {Error} When the bot does not answer within 3 s (Discord's
   *   deadline for the initial response) or `answerTimeout`, if shorter, or
   *   (with `unregisteredCommands: "reject"`) the command is not registered.
   *
   * @example Register the commands, then run one
   * ```ts
   * import { FakeDiscord } from "@disruption/disruption/testing";
   * import { RestClient } from "@disruption/disruption/rest";
   * import { command, InteractionRouter, syncCommands } from "@disruption/disruption/interactions";
   * import { Client } from "@disruption/disruption/handler";
   * import assert from "node:assert/strict";
   *
   * const ping = command({ name: "ping", description: "Ping" });
   * const router = new InteractionRouter().command(ping, (_, ctx) => ctx.respond("pong"));
   * await using discord = await FakeDiscord.start({ unregisteredCommands: "reject" });
   * await using client = new Client({ token: discord.token, intents: 1, ...discord.clientOptions });
   * router.attach(client);
   * await client.start();
   * await assert.rejects(discord.runCommand(ping, {}), /never registered/);
   * await syncCommands(new RestClient({ token: discord.token, fetch: discord.rest.fetch }), router.commands);
   * const answer = await discord.runCommand(ping, {});
   * assert.deepEqual(answer.body, { type: 4, data: { content: "pong" } });
   * ```
   */
  runCommand<C extends ChatInputCommand>(
    definition: C,
    input: FakeCommandInput<C>,
    options?: FakeCommandOptions,
  ): Promise<RecordedInteractionResponse>;
  // Async, so a refused option rejects the promise the caller awaits
  // rather than throwing before there is one; run through the waits (as
  // every action awaiting the bot is), so close() marks it handled.
  runCommand(
    command: FakeSlashCommand | ChatInputCommand,
    input?: unknown,
    options?: FakeCommandOptions,
  ): Promise<RecordedInteractionResponse> {
    return this.#waits.run("run a command", async () => {
      if (!("description" in command)) {
        checkOptionKeys("run a command", "", input, COMMAND_KEYS);
        const raw = command as FakeSlashCommand;
        return await this.#interact(
          2,
          {
            id: this.#snowflake(),
            name: raw.name,
            type: 1,
            ...(raw.options ? { options: raw.options } : {}),
          },
          (input ?? {}) as FakeCommandOptions,
          `/${raw.name}`,
        );
      }
      checkOptionKeys("run a command", "", options, COMMAND_KEYS);
      const place = this.#placeOf(options ?? {});
      const author = options?.author ?? this.user;
      const actor = author.id;
      // Before the options: the channel it runs in is a channel its own
      // channel option may name, as on Discord.
      this.#ensureChannel(place.channelId, place.guildId, author);
      const resolved: Record<string, Record<string, unknown>> = {};
      const values = (input ?? {}) as Record<string, unknown>;
      let list: unknown[];
      if ("subcommand" in values && typeof values.subcommand === "string") {
        const [first, second] = values.subcommand.split(" ");
        const top = command.options[first!];
        if (!top) throw new TypeError(`Unknown subcommand '${first}'`);
        const nested = (values.options ?? {}) as Record<string, unknown>;
        if (second === undefined) {
          list = [{
            name: first,
            type: 1,
            options: this.#optionList(
              top.options ?? {},
              nested,
              resolved,
              place,
              actor,
            ),
          }];
        } else {
          const sub = top.options?.[second];
          if (!sub) {
            throw new TypeError(`Unknown subcommand '${values.subcommand}'`);
          }
          list = [{
            name: first,
            type: 2,
            options: [{
              name: second,
              type: 1,
              options: this.#optionList(
                sub.options ?? {},
                nested,
                resolved,
                place,
                actor,
              ),
            }],
          }];
        }
      } else {
        list = this.#optionList(
          command.options,
          values,
          resolved,
          place,
          actor,
        );
      }
      return await this.#interact(
        2,
        {
          id: this.#snowflake(),
          name: command.name,
          type: 1,
          ...(list.length ? { options: list } : {}),
          ...(Object.keys(resolved).length ? { resolved } : {}),
        },
        options ?? {},
        `/${command.name}`,
      );
    });
  }

  /**
   * A simulated user runs a user context-menu command on `target`. As on
   * Discord, the interaction resolves the target's user and, in a guild
   * the target is a member of, their partial member.
   *
   * @param definition The command.
   * @param target The user it runs on.
   * @param options Channel, guild and user; `unregistered: true` to run a
   *   command the bot never registered (see
   *   {@linkcode FakeDiscordOptions.unregisteredCommands}).
   * @returns The bot's interaction callback.
   * @throws {TypeError} (The promise rejects.) When `options` has a key
   *   that is not one of its fields.
   * @throws {Error} When the bot does not answer in time, or (with
   *   `unregisteredCommands: "reject"`) the command is not registered.
   */
  runUserCommand(
    definition: UserCommand,
    target: RestUser,
    options: FakeCommandOptions = {},
  ): Promise<RecordedInteractionResponse> {
    return this.#waits.run("run a user command", async () => {
      checkOptionKeys("run a user command", "", options, COMMAND_KEYS);
      return await this.#interact(
        2,
        {
          id: this.#snowflake(),
          name: definition.name,
          type: 2,
          target_id: target.id,
          resolved: { users: { [target.id]: target } },
        },
        options,
        definition.name,
      );
    });
  }

  /**
   * A simulated user runs a message context-menu command on `target`.
   *
   * @param definition The command.
   * @param target The message it runs on.
   * @param options Channel, guild and user; `unregistered: true` to run a
   *   command the bot never registered (see
   *   {@linkcode FakeDiscordOptions.unregisteredCommands}).
   * @returns The bot's interaction callback.
   * @throws {TypeError} (The promise rejects.) When `options` has a key
   *   that is not one of its fields.
   * @throws {Error} When the bot does not answer in time, or (with
   *   `unregisteredCommands: "reject"`) the command is not registered.
   */
  runMessageCommand(
    definition: MessageCommand,
    target: RestMessage,
    options: FakeCommandOptions = {},
  ): Promise<RecordedInteractionResponse> {
    return this.#waits.run("run a message command", async () => {
      checkOptionKeys("run a message command", "", options, COMMAND_KEYS);
      return await this.#interact(
        2,
        {
          id: this.#snowflake(),
          name: definition.name,
          type: 3,
          target_id: target.id,
          resolved: { messages: { [target.id]: target } },
        },
        { channelId: target.channel_id, ...options },
        definition.name,
      );
    });
  }

  /**
   * A simulated user clicks the button `customId` on `message` (as the fake
   * REST API stores it now). Only an enabled button that is on the message
   * can be clicked.
   *
   * @param message The message (its ID and channel are what count).
   * @param customId The button's custom id.
   * @param options Guild and user.
   * @returns The bot's interaction callback.
   * @throws {Error} (The promise rejects, as for every refusal here.)
   *   When there is no such enabled button, or the bot does not answer in
   *   time.
   * @throws {TypeError} When `options` has a key that is not one of its
   *   fields.
   */
  click(
    message: { id: string; channel_id: string },
    customId: string,
    options: FakeUserActionOptions = {},
  ): Promise<RecordedInteractionResponse> {
    return this.#waits.run("click a button", async () => {
      checkOptionKeys("click a button", "", options, ACTION_KEYS);
      const { stored, component } = this.#component(message, customId);
      if (component.type !== 2) {
        throw new Error(
          `'${customId}' is not a button (type ${component.type})`,
        );
      }
      return await this.#interact(
        3,
        {
          custom_id: customId,
          component_type: 2,
          ...(typeof component.id === "number" ? { id: component.id } : {}),
        },
        { channelId: stored.channel_id, ...options },
        `'${customId}'`,
        stored,
      );
    });
  }

  /**
   * A simulated user picks `values` in the select `customId` on `message`.
   * String selects accept only their options' values, within min/max;
   * channel selects only channels of their `channel_types`.
   *
   * @param message The message.
   * @param customId The select's custom id.
   * @param values The chosen values (IDs for user/role/mentionable/channel selects).
   * @param options Guild and user.
   * @returns The bot's interaction callback.
   * @throws {Error} (The promise rejects, as for every refusal here.)
   *   When there is no such select, the values do not fit, or the bot does
   *   not answer in time.
   * @throws {TypeError} When `options` has a key that is not one of its
   *   fields.
   */
  select(
    message: { id: string; channel_id: string },
    customId: string,
    values: string[],
    options: FakeUserActionOptions = {},
  ): Promise<RecordedInteractionResponse> {
    return this.#waits.run("pick in a select", async () => {
      checkOptionKeys("pick in a select", "", options, ACTION_KEYS);
      const { stored, component } = this.#component(message, customId);
      const type = component.type as number;
      if (type < 3 || type > 8 || type === 4) {
        throw new Error(`'${customId}' is not a select (type ${type})`);
      }
      const min = typeof component.min_values === "number"
        ? component.min_values
        : 1;
      const max = typeof component.max_values === "number"
        ? component.max_values
        : 1;
      if (values.length < min || values.length > max) {
        throw new Error(
          `'${customId}' takes ${min}-${max} values: got ${values.length}`,
        );
      }
      if (type === 3) {
        const allowed = new Set(
          (component.options as { value: string }[]).map((o) => o.value),
        );
        const bad = values.find((v) => !allowed.has(v));
        if (bad !== undefined) {
          throw new Error(`'${customId}' has no option '${bad}'`);
        }
      }
      const where = { channelId: stored.channel_id, ...options };
      const resolved = type === 3 ? undefined : this.#resolveSelected(
        type,
        values,
        this.#placeOf(where),
        (options.author ?? this.user).id,
      );
      if (resolved) checkChannelTypes(customId, component, resolved.channels);
      return await this.#interact(
        3,
        {
          custom_id: customId,
          component_type: type,
          values,
          ...(resolved ? { resolved } : {}),
        },
        where,
        `'${customId}'`,
        stored,
      );
    });
  }

  /**
   * Resolved data for the IDs picked in a user, role, mentionable or
   * channel select, from the guild the interaction runs in (`place`); a
   * picked user's member is added by `#interact`.
   */
  #resolveSelected(
    type: number,
    ids: string[],
    place: FakePlace,
    actorId: string,
  ): Record<string, Record<string, unknown>> {
    const resolved: Record<string, Record<string, unknown>> = {};
    const add = (kind: string, id: string, value: unknown): void => {
      (resolved[kind] ??= {})[id] = value;
    };
    const roles = place.guildId === null
      ? []
      : this.rest.resources.roles(place.guildId);
    for (const id of ids) {
      const user = this.rest.resources.user(id);
      const role = roles.find((r) => r.id === id);
      // As a channel option resolves it: the guild's, partial.
      const channel = type === 8
        ? this.#resolvedChannel(place, id, actorId)
        : undefined;
      // Their members are added by #interact, once the acting user joined.
      if ((type === 5 || type === 7) && user) add("users", id, user);
      else if ((type === 6 || type === 7) && role) add("roles", id, role);
      else if (channel) add("channels", id, channel);
      else {
        throw new Error(
          `A select of type ${type} cannot pick unknown ID ${id}`,
        );
      }
    }
    return resolved;
  }

  /**
   * A simulated user fills in and submits a modal the bot showed.
   * Each field is answered as Discord's client allows (required fields
   * given, values among options, counts and lengths within the limits).
   *
   * @param shown The bot's MODAL response (callback type 9).
   * @param values Values by input custom id: text, selected values, or a
   *   checkbox's state.
   * @param options Guild and user.
   * @returns The bot's interaction callback.
   * @throws {Error} When `shown` is not a modal, or an answer (given, or
   *   left as the modal showed it) is one Discord's client would not send:
   *   a required field empty, a value not among its options, a count or a
   *   length out of range; or the bot does not answer in time. (The promise
   *   rejects, as for every refusal here.)
   * @throws {TypeError} When `options` has a key that is not one of its
   *   fields.
   */
  submitModal(
    shown: RecordedInteractionResponse,
    values: FakeModalValues,
    options: FakeUserActionOptions = {},
  ): Promise<RecordedInteractionResponse> {
    return this.#waits.run("submit a modal", async () => {
      checkOptionKeys("submit a modal", "", options, ACTION_KEYS);
      if (shown.body.type !== 9 || !shown.body.data) {
        throw new Error(
          `Interaction ${shown.interactionId} was not answered with a modal (callback type ${shown.body.type})`,
        );
      }
      const data = shown.body.data as {
        custom_id: string;
        components: Record<string, unknown>[];
      };
      const messageId = this.#interactionMessages.get(shown.interactionId);
      const message = messageId === undefined
        ? undefined
        : this.rest.messages().find((m) => m.id === messageId);
      const where = {
        ...(message ? { channelId: message.channel_id } : {}),
        ...options,
      };
      const place = this.#placeOf(where);
      let nextId = 1;
      const attachments: Record<string, Record<string, unknown>> = {};
      const resolved: Record<string, Record<string, unknown>> = {};
      const submitted = (
        input: Record<string, unknown>,
      ): Record<string, unknown> => {
        const id = typeof input.id === "number" ? input.id : nextId++;
        const customId = String(input.custom_id);
        // Left out by the test: what the user leaves as shown is sent.
        const given = values[customId] ?? shownAnswer(input);
        const type = input.type as number;
        const out: Record<string, unknown> = { type, id, custom_id: customId };
        checkModalAnswer(input, given);
        if (type === 4) out.value = typeof given === "string" ? given : "";
        else if (type === 23) out.value = given === true;
        else if (type === 21) {
          out.value = typeof given === "string" ? given : null;
        } else if (type === 19) {
          const files = Array.isArray(given)
            ? given as FakeAttachmentInput[]
            : [];
          checkUploadedFiles(input, files, ATTACHMENT_SIZE_LIMIT);
          const at = `attachments/${place.channelId}`;
          out.values = files.map((file) => {
            const id = this.#snowflake();
            attachments[id] = {
              id,
              filename: file.filename,
              size: file.size ?? 0,
              url: `https://cdn.discordapp.com/${at}/${id}/${file.filename}`,
              proxy_url:
                `https://media.discordapp.net/${at}/${id}/${file.filename}`,
              ...(file.content_type ? { content_type: file.content_type } : {}),
            };
            return id;
          });
        } else out.values = Array.isArray(given) ? given as string[] : [];
        if (type >= 5 && type <= 8 && (out.values as string[]).length > 0) {
          // Discord resolves a modal's picked users, roles and channels too.
          const found = this.#resolveSelected(
            type,
            out.values as string[],
            place,
            (options.author ?? this.user).id,
          );
          checkChannelTypes(customId, input, found.channels);
          for (const [k, v] of Object.entries(found)) {
            Object.assign(resolved[k] ??= {}, v);
          }
        }
        return out;
      };
      const components = data.components.map((top) => {
        const id = typeof top.id === "number" ? top.id : nextId++;
        if (top.type === 18) {
          return {
            type: 18,
            id,
            component: submitted(top.component as Record<string, unknown>),
          };
        }
        if (top.type === 1) {
          return {
            type: 1,
            id,
            components: (top.components as Record<string, unknown>[]).map(
              submitted,
            ),
          };
        }
        return { type: top.type, id };
      });
      return await this.#interact(
        5,
        {
          custom_id: data.custom_id,
          components,
          ...(Object.keys(attachments).length
            ? { resolved: { ...resolved, attachments } }
            : Object.keys(resolved).length
            ? { resolved }
            : {}),
        },
        where,
        `modal '${data.custom_id}'`,
        message,
      );
    });
  }

  /**
   * A simulated user types `value` into the option `option` of a command
   * with autocomplete; the bot's choices are returned.
   *
   * @param definition The command.
   * @param option The focused option's name.
   * @param value What the user typed so far.
   * @param options The subcommand the user is in (`"sub"`, or
   *   `"group sub"`), whose options the focused and the `filled` ones
   *   (raw values) are; channel, guild, user; `unregistered: true` for a
   *   command the bot never registered (see
   *   {@linkcode FakeDiscordOptions.unregisteredCommands}).
   * @returns The choices the bot offered.
   * @throws {TypeError} When the subcommand, the focused option or a
   *   filled one is not defined there.
   * @throws {Error} When the bot does not answer with choices in time.
   */
  autocomplete(
    definition: ChatInputCommand,
    option: string,
    value: string,
    options: FakeCommandOptions & {
      subcommand?: string;
      filled?: Record<string, string | number | boolean>;
    } = {},
  ): Promise<Choice[]> {
    return this.#waits.run("autocomplete", async () => {
      checkOptionKeys("autocomplete", "", options, AUTOCOMPLETE_KEYS);
      // The options of the subcommand (or group's subcommand) the user is in:
      // the focused and the filled ones are typed as it defines them.
      let map: OptionMap = definition.options;
      const path = options.subcommand?.split(" ") ?? [];
      for (const [index, name] of path.entries()) {
        const sub: OptionDefinition | undefined = map[name];
        // A group (type 2) holds the subcommand (type 1) that comes last.
        if (sub?.type !== (index === path.length - 1 ? 1 : 2)) {
          throw new TypeError(
            `/${definition.name} has no subcommand '${options.subcommand}'`,
          );
        }
        map = sub.options ?? {};
      }
      const where = options.subcommand ? ` ${options.subcommand}` : "";
      const focused = map[option];
      if (!focused) {
        throw new TypeError(
          `/${definition.name}${where} has no option '${option}'`,
        );
      }
      let list: unknown[] = [
        ...Object.entries(options.filled ?? {}).map(([name, v]) => {
          const filled = map[name];
          if (!filled) throw new TypeError(`Unknown option '${name}'`);
          return { name, type: filled.type, value: v };
        }),
        { name: option, type: focused.type, value, focused: true },
      ];
      if (options.subcommand) {
        const [first, second] = options.subcommand.split(" ");
        list = second === undefined
          ? [{ name: first, type: 1, options: list }]
          : [{
            name: first,
            type: 2,
            options: [{ name: second, type: 1, options: list }],
          }];
      }
      const response = await this.#interact(
        4,
        {
          id: this.#snowflake(),
          name: definition.name,
          type: 1,
          options: list,
        },
        options,
        `autocomplete of /${definition.name}`,
      );
      if (response.body.type !== 8) {
        throw new Error(
          `The bot answered autocomplete with callback type ${response.body.type}`,
        );
      }
      return (response.body.data?.choices ?? []) as Choice[];
    });
  }

  /**
   * A command's options as Discord sends them, checked as Discord's client
   * does, their users, roles, channels and attachments added to `resolved`
   * (a user's member is added by `#interact`, once the acting user
   * `actorId` joined: they may pick themselves).
   */
  #optionList(
    definitions: OptionMap,
    values: Record<string, unknown>,
    resolved: Record<string, Record<string, unknown>>,
    place: FakePlace,
    actorId: string,
  ): unknown[] {
    const add = (kind: string, id: string, value: unknown): void => {
      (resolved[kind] ??= {})[id] = value;
    };
    const out: unknown[] = [];
    // What Discord's client enforces before a user can send the command.
    for (const [name, definition] of Object.entries(definitions)) {
      if (definition.required && values[name] === undefined) {
        throw new TypeError(`Option '${name}' is required`);
      }
    }
    for (const [name, value] of Object.entries(values)) {
      const definition = definitions[name];
      if (!definition) throw new TypeError(`Unknown option '${name}'`);
      const type = definition.type;
      // A fetched command's shape has `null` limits and may have `[]`
      // choices: Discord's client then enforces no limit and no choices.
      if (
        definition.choices?.length &&
        !definition.choices.some((choice) => choice.value === value)
      ) {
        throw new TypeError(`Option '${name}' must be one of its choices`);
      }
      const { min_value: min, max_value: max } = definition;
      if (
        typeof value === "number" &&
        ((typeof min === "number" && value < min) ||
          (typeof max === "number" && value > max) ||
          (type === 4 && !Number.isInteger(value)))
      ) {
        throw new RangeError(`Option '${name}' is out of range: ${value}`);
      }
      // Counted in code points, as Discord counts characters.
      const length = typeof value === "string" ? textLength(value) : 0;
      const { min_length: shortest, max_length: longest } = definition;
      if (
        typeof value === "string" &&
        ((typeof shortest === "number" && length < shortest) ||
          (typeof longest === "number" && length > longest))
      ) {
        throw new RangeError(
          `Option '${name}' has a bad length: ${length}`,
        );
      }
      let wire: unknown = value;
      if (type === 6 || (type === 9 && "username" in (value as object))) {
        // Any user can be picked (by ID too), member or not: no check.
        const user = value as RestUser;
        add("users", user.id, user);
        wire = user.id;
      } else if (type === 8 || type === 9) {
        // Discord's client offers only the guild's roles (none in a DM).
        const input = value as FakeRoleInput;
        const { id } = input;
        const role = place.guildId === null
          ? undefined
          : this.#held(place.guildId)
          ? this.rest.resources.roles(place.guildId).find((r) => r.id === id)
          : madeUpRole(input);
        if (!role) {
          throw new TypeError(
            `Option '${name}': ${id} is no role of ${
              place.guildId === null ? "a DM" : `guild ${place.guildId}`
            }`,
          );
        }
        add("roles", id, structuredClone(role));
        wire = id;
      } else if (type === 7) {
        const input = value as FakeChannelInput;
        const { id } = input;
        const channel = this.#resolvedChannel(place, id, actorId) ??
          (place.guildId !== null && !this.#held(place.guildId) &&
              !this.rest.resources.channel(id)
            ? {
              id,
              name: input.name ?? "channel",
              type: input.type ?? 0,
              permissions: "0",
            }
            : undefined);
        if (!channel) {
          throw new TypeError(
            `Option '${name}': ${id} is no channel of ${
              place.guildId === null ? "a DM" : `guild ${place.guildId}`
            }`,
          );
        }
        add("channels", id, channel);
        wire = id;
      } else if (type === 11) {
        const file = value as FakeAttachmentInput;
        const id = this.#snowflake();
        add("attachments", id, {
          id,
          filename: file.filename,
          size: file.size ?? 0,
          url:
            `https://cdn.discordapp.com/attachments/0/${id}/${file.filename}`,
          proxy_url:
            `https://media.discordapp.net/attachments/0/${id}/${file.filename}`,
          ...(file.content_type ? { content_type: file.content_type } : {}),
        });
        wire = id;
      }
      out.push({ name, type, value: wire });
    }
    return out;
  }

  #component(
    message: { id: string; channel_id: string },
    customId: string,
  ): { stored: RestMessage; component: Record<string, unknown> } {
    // Before the lookup: the deleted channel's messages went with it.
    assertNotDeleted(this.rest.resources, message.channel_id);
    const stored = this.rest.messages(message.channel_id).find((m) =>
      m.id === message.id
    );
    if (!stored) throw new Error(`Message ${message.id} does not exist`);
    const walk = (
      list: unknown,
    ): Record<string, unknown> | undefined => {
      if (!Array.isArray(list)) return undefined;
      for (const item of list as Record<string, unknown>[]) {
        if (item.custom_id === customId) return item;
        const found = walk(item.components) ??
          walk(item.accessory ? [item.accessory] : undefined);
        if (found) return found;
      }
      return undefined;
    };
    const component = walk(stored.components);
    if (!component) {
      throw new Error(
        `Message ${message.id} has no component with custom id '${customId}'`,
      );
    }
    if (component.disabled === true) {
      throw new Error(`The component '${customId}' is disabled`);
    }
    return { stored, component };
  }

  /** Build, deliver (gateway or endpoint) and await the answer to an interaction. */
  #interact(
    type: 2 | 3 | 4 | 5,
    data: Record<string, unknown>,
    options: FakeCommandOptions,
    what: string,
    message?: RestMessage,
  ): Promise<RecordedInteractionResponse> {
    const { channelId, guildId } = this.#placeOf(options);
    if ((type === 2 || type === 4) && options.unregistered !== true) {
      const refused = this.#checkRegistered(
        String(data.name),
        typeof data.type === "number" ? data.type : 1,
        guildId,
      );
      if (refused) return Promise.reject(refused);
    }
    const user = options.author ?? this.user;
    this.#ensureChannel(channelId, guildId, user);
    this.#remember(user, guildId, this.#clock.timestamp());
    // Discord resolves a member for each resolved user who is one of the
    // guild's, the acting user too (who joined just now, if new there).
    const resolved = data.resolved as
      | Record<string, Record<string, unknown>>
      | undefined;
    for (const userId of Object.keys(resolved?.users ?? {})) {
      const member = this.#resolvedMember({ channelId, guildId }, userId);
      if (member) (resolved!.members ??= {})[userId] = member;
    }
    const id = this.#snowflake();
    const token = `interaction-token-${id}`;
    this.rest.addInteraction({
      id,
      token,
      channelId,
      ...(message ? { messageId: message.id } : {}),
      type,
      user,
    });
    if (message && type === 3) this.#interactionMessages.set(id, message.id);
    // The roles and permissions the fake's guild, roles and overwrites
    // give (the bot owns the fake's guilds: all permissions there).
    const rolesOf = (userId: string): readonly string[] =>
      guildId === null ? [] : this.#users.member(guildId, userId)?.roles ?? [];
    const permissions = (userId: string): string =>
      interactionPermissions(this.rest.resources, guildId, channelId, {
        id: userId,
        roles: rolesOf(userId),
      });
    const interaction: Record<string, unknown> = {
      id,
      application_id: this.rest.applicationId,
      type,
      data,
      channel_id: channelId,
      channel: { id: channelId, type: guildId === null ? 1 : 0 },
      token,
      version: 1,
      app_permissions: permissions(this.rest.botUser.id),
      locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: authorizingIntegrationOwners(guildId),
      context: guildId === null ? 1 : 0,
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    };
    if (message) interaction.message = message;
    if (guildId === null) interaction.user = user;
    else {
      interaction.guild_id = guildId;
      interaction.guild_locale = "en-US";
      interaction.member = {
        user,
        roles: [...rolesOf(user.id)],
        joined_at: this.#clock.timestamp(),
        deaf: false,
        mute: false,
        flags: 0,
        permissions: permissions(user.id),
      };
    }
    if (this.#endpoint) {
      this.#deliverHttp(this.#endpoint, interaction, id, token).catch(
        (error) => this.#failWaiter(id, error),
      );
    } else {
      this.gateway.dispatch("INTERACTION_CREATE", interaction, { guildId });
    }
    // Waited for once it is sent, so a refused action leaves no wait
    // behind for close() to reject. The answer cannot come first: the bot
    // reads the interaction a microtask (or a socket, or the signing's
    // await) later, and a failed delivery is reported later still.
    return this.#wait(
      this.#responseWaiters,
      (response: RecordedInteractionResponse) => response.interactionId === id,
      `an answer to ${what}`,
      this.#answerTimeout < ANSWER_DEADLINE ? undefined : {
        ms: ANSWER_DEADLINE,
        message:
          `The bot did not answer ${what} within 3 s: Discord needs the initial interaction response (or a deferral, type 5 or 6) within 3 s and answers a later one 404 Unknown interaction (10062)`,
      },
    );
  }

  /**
   * Whether a user could run the command: a bulk overwrite stored one of
   * that name and type, globally or (in a guild) for the guild. If not, the
   * error to reject with, or a warning said once.
   */
  #checkRegistered(
    name: string,
    type: number,
    guildId: string | null,
  ): Error | undefined {
    const registered = [
      ...this.rest.commands(),
      ...(guildId === null ? [] : this.rest.commands(guildId)),
    ].some((command) => command.name === name && (command.type ?? 1) === type);
    if (registered) return undefined;
    const shown = type === 1 ? `/${name}` : `'${name}'`;
    const kind = type === 1 ? "slash" : type === 2 ? "user" : "message";
    const where = guildId === null
      ? "globally (a DM sees only global commands)"
      : `globally or for guild ${guildId}`;
    if (this.#unregisteredCommands === "reject") {
      return new Error(
        `Cannot run ${shown}: the bot never registered it (no bulk overwrite stored a ${kind} command by that name ${where}), so no user could run it on Discord; register it first (e.g. syncCommands), or pass unregistered: true to test an unknown command`,
      );
    }
    const key = `${type} ${name}`;
    if (!this.#unregisteredWarned.has(key)) {
      this.#unregisteredWarned.add(key);
      visible.warn(
        'FakeDiscord ran {shown}, which the bot never registered (no bulk overwrite stored a {kind} command by that name {where}): no user could run it on Discord. Register it first (e.g. syncCommands), or pass unregistered: true to test an unknown command; start the fake with unregisteredCommands: "reject" to make this an error',
        { shown, kind, where },
      );
    }
    return undefined;
  }

  async #deliverHttp(
    endpoint: (request: Request) => Promise<Response>,
    interaction: Record<string, unknown>,
    id: string,
    token: string,
  ): Promise<void> {
    // Signed with the wall clock, as Discord does (the endpoint checks it
    // against its own wall clock, not a virtual one).
    const request = await this.signer.request(interaction);
    const response = await endpoint(request);
    if (response.status === 202) {
      await response.body?.cancel();
      return; // answered through the callback route
    }
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(
        `The interactions endpoint answered ${response.status}: ${text}`,
      );
    }
    const result = this.rest.respondToInteraction(id, token, JSON.parse(text));
    if (result.status >= 400) {
      throw new Error(
        `Discord would refuse the endpoint's answer (${result.status}): ${
          JSON.stringify(result.body)
        }`,
      );
    }
  }

  #failWaiter(id: string, error: unknown): void {
    this.#failures.set(id, error);
    for (const waiter of this.#responseWaiters) {
      if (
        waiter({
          interactionId: id,
          token: "",
          body: { type: -1 },
          at: this.#scheduler.now(),
        })
      ) this.#responseWaiters.delete(waiter);
    }
    // Nobody waits any more (the 3 s deadline passed first): drop it.
    this.#failures.delete(id);
  }

  /**
   * Close the gateway (close frames first), then the servers. Pending waits
   * reject; actions and waits started from now on are refused at once.
   *
   * @returns A promise that resolves when everything is closed.
   */
  async close(): Promise<void> {
    this.#waits.close(); // what a test asks from now on is refused at once
    this.gateway.close();
    await this.#gatewayServer?.close();
    await this.#restServer?.close();
    this.rest.onMessageCreate = undefined;
    this.rest.onMessageUpdate = undefined;
    this.rest.onMessageDelete = undefined;
    this.rest.onGatewayEvent = undefined;
    this.rest.onInteractionResponse = undefined;
    this.rest.knownUser = undefined;
    this.#waits.cancelAll();
  }

  /** Same as {@linkcode FakeDiscord.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Where a simulated user acts: the channel (default the fake's) and the
   * guild, as given, else the channel's (a DM's is `null`); a channel the
   * fake has not seen yet is created in its guild (see `#ensureChannel`).
   */
  #placeOf(options: FakeUserActionOptions): FakePlace {
    const channelId = options.channelId ?? this.channelId;
    if (options.guildId !== undefined) {
      return { channelId, guildId: options.guildId };
    }
    const known = this.#channelGuilds.get(channelId);
    if (known !== undefined) return { channelId, guildId: known };
    const stored = this.rest.resources.channel(channelId);
    return {
      channelId,
      guildId: stored ? stored.guild_id ?? null : this.guildId,
    };
  }

  /**
   * A user's entry in an interaction's `resolved.members`: their member of
   * the guild the interaction runs in, partial as Discord's ("missing
   * user, deaf and mute fields") with their `permissions` in the channel;
   * `undefined` in a DM or when they are no member.
   */
  #resolvedMember(
    place: FakePlace,
    userId: string,
  ): Record<string, unknown> | undefined {
    const { channelId, guildId } = place;
    if (guildId === null) return undefined;
    const member = this.#users.member(guildId, userId);
    if (!member) return undefined;
    const { deaf: _deaf, mute: _mute, ...partial } = member;
    return {
      ...partial,
      permissions: interactionPermissions(
        this.rest.resources,
        guildId,
        channelId,
        { id: userId, roles: member.roles },
      ),
    };
  }

  /**
   * A channel option's entry in `resolved.channels`: the stored channel of
   * the interaction's guild as Discord's partial channel (only the fields
   * its docs list, `thread_metadata` for a thread), with `userId`'s and the
   * bot's permissions in it; `undefined` for no channel of that guild (and
   * in a DM, where Discord's client offers no guild channel).
   */
  #resolvedChannel(
    place: FakePlace,
    channelId: string,
    userId: string,
  ): Record<string, unknown> | undefined {
    const { guildId } = place;
    const stored = this.rest.resources.channel(channelId);
    if (guildId === null || stored?.guild_id !== guildId) return undefined;
    const partial: Record<string, unknown> = {};
    for (const key of PARTIAL_CHANNEL_FIELDS) {
      if (stored[key] !== undefined) {
        partial[key] = structuredClone(stored[key]);
      }
    }
    const permissions = (id: string): string =>
      interactionPermissions(this.rest.resources, guildId, channelId, {
        id,
        roles: this.#users.member(guildId, id)?.roles ?? [],
      });
    partial.permissions = permissions(userId);
    partial.app_permissions = permissions(this.rest.botUser.id);
    return partial;
  }

  /**
   * Whether the fake's resources hold `guildId` (its roles and channels
   * known), not a guild named only by a simulated user's `guildId`.
   */
  #held(guildId: string): boolean {
    return this.rest.resources.guildOwner(guildId) !== undefined;
  }

  /**
   * A channel's guild: one a simulated user acted in, or the REST
   * resources' (a channel the bot created), else `null` (a DM).
   */
  #guildOf(channelId: string): string | null {
    const known = this.#channelGuilds.get(channelId);
    if (known !== undefined) return known;
    return this.rest.resources.channel(channelId)?.guild_id ?? null;
  }

  #botMessage(message: RestMessage): void {
    const guildId = this.#guildOf(message.channel_id);
    const dispatched = this.#dispatched(message, guildId);
    // A bot without the message intents not getting its own message back is
    // normal: no warning.
    this.gateway.dispatch("MESSAGE_CREATE", dispatched, {
      guildId,
      warnIfFiltered: false,
    });
    for (const waiter of this.#messageWaiters) {
      if (waiter(message)) this.#messageWaiters.delete(waiter);
    }
  }

  /**
   * Wait for a value `matches` accepts, for `answerTimeout` or, when given,
   * a `deadline` of Discord's with its own message.
   */
  #wait<T>(
    waiters: Set<(value: T) => boolean>,
    matches: (value: T) => boolean,
    what: string,
    deadline?: { ms: number; message: string },
  ): Promise<T> {
    return this.#waits.wait(
      waiters,
      matches,
      what,
      deadline ?? {
        ms: this.#answerTimeout,
        message: `Waited ${this.#answerTimeout} ms for ${what}`,
      },
    );
  }

  /**
   * A simulated user acts only in a channel that exists: store one the test
   * names for the first time (a text channel of `guildId`, or a DM with
   * `user`), so the bot's REST calls to it work as on Discord, and dispatch
   * a guild channel's CHANNEL_CREATE: without it a bot's cache, which keeps
   * a guild's messages only in channels it holds, never kept any of it.
   * A deleted channel's id is refused, not stored again: on Discord it
   * stays 404 `10003 Unknown Channel`.
   */
  #ensureChannel(
    channelId: string,
    guildId: string | null,
    user: RestUser,
  ): void {
    assertNotDeleted(this.rest.resources, channelId);
    if (this.rest.resources.channel(channelId)) return;
    if (guildId === null) {
      this.rest.resources.addChannel({
        id: channelId,
        type: 1,
        recipients: [structuredClone(user)],
      });
      return;
    }
    const channel = {
      id: channelId,
      type: 0,
      guild_id: guildId,
      name: `channel-${channelId}`,
      position: 0,
      permission_overwrites: [],
    };
    this.rest.resources.addChannel(channel);
    this.gateway.dispatch("CHANNEL_CREATE", structuredClone(channel), {
      guildId,
    });
  }

  /**
   * A simulated user acted in `guildId`: one who was no member until now
   * joined, so dispatch their GUILD_MEMBER_ADD first, as Discord did when
   * they joined (a bot without GUILD_MEMBERS not getting it is normal).
   */
  #remember(user: RestUser, guildId: string | null, at: string): void {
    if (!this.#users.remember(user, guildId, at) || guildId === null) return;
    // This one member, as REST now holds it: not the guild's whole list.
    const member = this.#users.member(guildId, user.id);
    this.gateway.dispatch(
      "GUILD_MEMBER_ADD",
      { user: structuredClone(user), ...member, guild_id: guildId },
      { guildId, warnIfFiltered: false },
    );
  }

  #snowflake(): string {
    return this.#clock.snowflake();
  }
}
