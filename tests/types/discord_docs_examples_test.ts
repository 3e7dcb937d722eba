/**
 * The JSON examples of Discord's own documentation, type-checked against our
 * types: every field the example has is a field of our type (no unknown
 * fields), every field our type requires is in the example, and every value
 * has the type (and nullability) our type gives it. The examples are data,
 * copied verbatim into fixtures/discord_docs_examples.json; the checks are
 * compile-time (`deno check` fails on a mismatch and names the example).
 *
 * A JSON module's values are widened (`"type": 0` is a `number`), so this
 * checks fields, optionality, nullability and primitive kinds, not which
 * literal an enum field holds; the discord-api-types oracle test covers
 * those.
 *
 * Examples not copied, and why:
 * - The three "Example Interaction" objects (application-commands.mdx):
 *   fragments of an interaction, not one; they lack `application_id`,
 *   `version`, `entitlements`, `authorizing_integration_owners` and
 *   `attachment_size_limit` (always present per the interaction table), their
 *   users `global_name`, and their members carry `is_pending`, which no
 *   member table lists. Patching all that would leave little checked.
 * - The Autocomplete example (application-commands.mdx): a fragment of an
 *   autocomplete interaction (`type` and `data` only, with a `version` the
 *   data table does not list).
 * - components/reference.mdx: its examples are JSONC with comments and
 *   `...additionalInteractionFields` placeholders, not JSON.
 * - Objects we have no type for (REST-only resources the library does not
 *   model): guild preview, guild widget and widget settings, ban, guild
 *   onboarding, guild template, sticker pack, SKU, lobby and activity
 *   instance.
 * - Invite stage instance: deprecated by Discord, not modelled.
 * - Request bodies, "Example Response" and error-response blocks: REST
 *   request/response shapes, not objects.
 * - Custom Emoji Examples (emoji.mdx): message-format strings, not JSON.
 */
import assert from "node:assert/strict";
import docs from "./fixtures/discord_docs_examples.json" with { type: "json" };
import type * as O from "../../types/objects/mod.ts";
import type * as G from "../../types/gateway_payloads.ts";
import type * as P from "../../types/dispatch_payloads.ts";

type Examples = typeof docs.examples;

/** `T` as JSON can carry it: literal types widened to their primitive. */
type Widen<T> = T extends string ? string
  : T extends number ? number
  : T extends boolean ? boolean
  : T extends null | undefined ? T
  : T extends readonly (infer E)[] ? Widen<E>[]
  : T extends object ? { [K in keyof T]: Widen<T[K]> }
  : T;

/**
 * The same, with `| undefined` on optional fields: a JSON array of objects
 * with different keys is typed as a union whose members mark the others'
 * keys `?: undefined`.
 */
type Loose<T> = T extends string | number | boolean | null | undefined ? T
  : T extends readonly (infer E)[] ? Loose<E>[]
  : T extends object ? { [K in keyof T]: Loose<T[K]> | OptionalUndefined<T, K> }
  : T;
type OptionalUndefined<T, K extends keyof T> = Record<never, never> extends
  Pick<T, K> ? undefined
  : never;

/**
 * The element type of an array type, or of each member of a union of them
 * (`A[] | B[]` gives `A | B`; inferring from the union at once would keep
 * only a common supertype and lose the fields of the other).
 */
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

type KeysOf<T> = T extends unknown ? keyof T : never;
type ValueAt<T, K extends PropertyKey> = T extends unknown
  ? K extends keyof T ? T[K] : never
  : never;

/**
 * Paths of fields the example has and our type does not (`never` when
 * there are none). `undefined`-typed keys (see {@linkcode Loose}) are not
 * fields the example has.
 */
type Unknown<E, T, Path extends string = ""> = E extends readonly (infer EE)[]
  ? Unknown<
    EE,
    ElementOf<NonNullable<T>>,
    `${Path}[]`
  >
  : E extends object ? {
      [K in keyof E & string]-?: [E[K]] extends [undefined] ? never
        : K extends KeysOf<NonNullable<T>>
          ? Unknown<E[K], ValueAt<NonNullable<T>, K>, `${Path}.${K}`>
        : `${Path}.${K}`;
    }[keyof E & string]
  : never;

type RequiredKeys<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K;
}[keyof T];

/**
 * Paths where the example's value does not have our type: a required field
 * missing, or a value of another type (`never` when it fits).
 */
type Mismatch<E, T, Path extends string = ""> = [E] extends [Loose<Widen<T>>]
  ? never
  : [T] extends [readonly unknown[] | null | undefined]
    ? E extends readonly (infer EE)[] ? Mismatch<
        EE,
        ElementOf<NonNullable<T>>,
        `${Path}[]`
      >
    : `${Path} has the wrong type`
  : [E] extends [object]
    ? [T] extends [object]
      ? [NonNullable<T>] extends [readonly unknown[]]
        ? `${Path} has the wrong type`
      : IsUnion<NonNullable<T>> extends true
        ? `${Path} fits no member of the union`
      :
        | {
          [K in RequiredKeys<NonNullable<T>> & string]: K extends keyof E
            ? never
            : `${Path}.${K} is missing`;
        }[RequiredKeys<NonNullable<T>> & string]
        | {
          [K in keyof E & keyof NonNullable<T> & string]: Mismatch<
            E[K],
            NonNullable<T>[K],
            `${Path}.${K}`
          >;
        }[keyof E & keyof NonNullable<T> & string]
    : `${Path} has the wrong type`
  : `${Path} has the wrong type`;

type IsUnion<T, U = T> = T extends unknown ? [U] extends [T] ? false : true
  : never;

/** Why an example does not fit `T`, or `never` when it fits. */
type Misfit<E, T> = Unknown<E, T> extends infer U extends string
  ? [U] extends [never] ? Mismatch<E, T> : `unknown field ${U}`
  : never;

// The checker itself: it must catch each kind of misfit.
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;
type Fixture = { id: string; name: string | null; tags?: { x: number }[] };
type Rows = { rows: { x: number }[] | { x: number; y: number }[] };
const checkerCatches: [
  IsExact<Misfit<{ id: string; name: null }, Fixture>, never>,
  IsExact<Misfit<{ id: string; name: string; tags: [] }, Fixture>, never>,
  IsExact<Misfit<{ id: string }, Fixture>, ".name is missing">,
  IsExact<Misfit<{ id: null; name: null }, Fixture>, ".id has the wrong type">,
  IsExact<
    Misfit<{ id: string; name: null; extra: number }, Fixture>,
    "unknown field .extra"
  >,
  IsExact<
    Misfit<
      { id: string; name: null; tags: { x: number; y: number }[] },
      Fixture
    >,
    "unknown field .tags[].y"
  >,
  IsExact<
    Misfit<{ id: string; name: null; tags: { x: string }[] }, Fixture>,
    ".tags[].x has the wrong type"
  >,
  IsExact<Misfit<{ rows: { x: number; y: number }[] }, Rows>, never>,
] = [true, true, true, true, true, true, true, true];

// Where an example disagrees with its own field table, the table wins: the
// expected type is patched for that field only (so the rest of the example
// is still checked), and the reason is given here.
//
// - Users in the examples predate display names: none has `global_name`,
//   which the user table lists as always present (`?string`). Patched in the
//   user objects of application.owner, emoji.user, invite.inviter,
//   invite.target_user, message.author, the DM channels' recipients and the
//   webhooks' user.
// - Activities (both examples) lack `created_at`, which the activity table
//   lists as always present.
// - Application: its team member has `permissions: ["*"]` and no `role`; the
//   team member table has `role` and no `permissions` (replaced by roles).
// - Entitlement: the example has `promotion_id`, `gift_code_flags` and
//   `subscription_id`, which the entitlement table does not list.
// - Guild: the example lacks `nsfw_level`, `premium_progress_bar_enabled` and
//   `incidents_data`, which the guild table lists as always present.
// - Guild member: `user` is an empty object (a placeholder) and `flags`,
//   always present per the table, is missing.
// - Invite: the example lacks `expires_at`, always present (`?ISO8601`) per
//   the table.
// - Audit log's partial integration: the example has `application_id`,
//   which the integration table does not list (it has `application`).
// - Voice state: the example lacks `self_video`, always present per the
//   table.

/** A user as the examples show it: without `global_name`. */
type DocUser = Omit<O.User, "global_name">;
/** An activity as the examples show it: without `created_at`. */
type DocActivity = Omit<O.Activity, "created_at">;

/** Our type for each example. */
interface Expected {
  application: Omit<O.Application, "owner" | "team"> & {
    owner?: Partial<DocUser>;
    team:
      | Omit<O.Team, "members">
        & {
          members: (Omit<O.TeamMember, "role"> & { permissions: string[] })[];
        }
      | null;
  };
  autoModerationRule: O.AutoModerationRule;
  guildTextChannel: O.Channel;
  guildAnnouncementChannel: O.Channel;
  guildVoiceChannel: O.Channel;
  dmChannel: Omit<O.Channel, "recipients"> & { recipients?: DocUser[] };
  groupDmChannel: Omit<O.Channel, "recipients"> & { recipients?: DocUser[] };
  channelCategory: O.Channel;
  threadChannel: O.Channel;
  emoji: Omit<O.Emoji, "user"> & { user?: DocUser };
  standardEmoji: O.Emoji;
  entitlement: O.Entitlement & {
    promotion_id: string | null;
    gift_code_flags: number;
    subscription_id: string;
  };
  guild: Omit<
    O.Guild,
    "nsfw_level" | "premium_progress_bar_enabled" | "incidents_data"
  >;
  unavailableGuild: O.UnavailableGuild;
  guildMember: Omit<O.GuildMember, "user" | "flags"> & {
    user?: Record<string, never>;
  };
  welcomeScreen: O.WelcomeScreen;
  incidentsData: O.IncidentsData;
  invite: Omit<O.Invite, "inviter" | "target_user" | "expires_at"> & {
    inviter?: DocUser;
    target_user?: DocUser;
  };
  inviteMetadata: Omit<O.InviteWithMetadata, keyof O.Invite>;
  message: Omit<O.Message, "author"> & { author: DocUser };
  crosspostedMessage: Omit<O.Message, "author"> & { author: DocUser };
  sharedClientTheme: Pick<O.Message, "shared_client_theme">;
  defaultSoundboardSound: O.SoundboardSound;
  guildSoundboardSound: O.SoundboardSound;
  stageInstance: O.StageInstance;
  sticker: O.Sticker;
  subscription: O.Subscription;
  user: O.User;
  currentUserPartialGuild: Partial<O.Guild>;
  auditLogPartialIntegration: Partial<O.Integration> & {
    application_id: string;
  };
  voiceState: Omit<O.VoiceState, "self_video">;
  role: O.Role;
  incomingWebhook: Omit<O.Webhook, "user"> & { user?: DocUser };
  channelFollowerWebhook: Omit<O.Webhook, "user"> & { user?: DocUser };
  applicationWebhook: O.Webhook;
  gatewayEventPayload: G.GatewayPayload;
  identify: G.GatewayPayload<G.IdentifyData>;
  resume: G.GatewayPayload<G.ResumeData>;
  heartbeat: G.GatewayPayload<number | null>;
  requestGuildMembers: G.GatewayCommand;
  requestSoundboardSounds: G.GatewayCommand;
  requestChannelInfo: G.GatewayCommand;
  gatewayVoiceStateUpdate: G.GatewayCommand;
  gatewayPresenceUpdate: G.GatewayCommand;
  hello: G.GatewayPayload<G.HelloData>;
  reconnect: G.GatewayPayload<null>;
  invalidSession: G.GatewayPayload<boolean>;
  activity: DocActivity;
  activityWithRichPresence: DocActivity;
  voiceServerUpdate: P.VoiceServerUpdateDispatch;
  editPermissionsCommand: O.ApplicationCommandCreateBody;
  slashCommand: O.ApplicationCommandCreateBody;
  userCommand: O.ApplicationCommandCreateBody;
  messageCommand: O.ApplicationCommandCreateBody;
  entryPointCommand: O.ApplicationCommandCreateBody;
  localizedCommand: O.ApplicationCommandCreateBody;
  modalResponse: O.InteractionResponse;
  messageWithComponent: O.InteractionCallbackMessageData;
  messageWithComponents: O.InteractionCallbackMessageData;
  messageWithLayoutComponents: O.InteractionCallbackMessageData;
}

type Misfits = {
  [K in keyof Expected & keyof Examples]: Misfit<
    Examples[K]["json"],
    Expected[K]
  >;
};
/** The examples that do not fit, each with the reason. */
type Failing = {
  [K in keyof Misfits as [Misfits[K]] extends [never] ? never : K]: Misfits[K];
};

// An error here names each example that does not fit our type, and why.
const noMisfits: Record<keyof Failing, never> = {};
// Every example in the fixture has an expected type, and the other way round.
const everyExampleTyped: Record<
  Exclude<keyof Examples, keyof Expected>,
  never
> = {};
const everyTypeHasExample: Record<
  Exclude<keyof Expected, keyof Examples>,
  never
> = {};

Deno.test("The example checker catches unknown, missing and mistyped fields", () => {
  assert.ok(checkerCatches.every((caught) => caught));
});

Deno.test("Discord's documented JSON examples fit our types", () => {
  assert.deepEqual(Object.keys(noMisfits), []);
  assert.deepEqual(Object.keys(everyExampleTyped), []);
  assert.deepEqual(Object.keys(everyTypeHasExample), []);
  assert.equal(Object.keys(docs.examples).length, 60);
});
