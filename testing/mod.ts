/**
 * The test kit: what a bot author uses in `deno test` to run a shard (or a
 * whole bot) with no token and no network. A {@linkcode VirtualScheduler}
 * drives time, a {@linkcode FakeTransport} fakes the socket.
 *
 * ```ts
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualScheduler();
 * await clock.advance(41_250);
 * assert.equal(clock.now(), 41_250);
 * ```
 *
 * @module
 */
export {
  VirtualScheduler,
  type VirtualSchedulerOptions,
} from "./virtual_scheduler.ts";
export {
  FakeSocket,
  type FakeSocketState,
  FakeTransport,
  type FakeTransportOptions,
} from "./fake_socket.ts";
export {
  type FakeInteraction,
  FakeRest,
  type FakeRestOptions,
  type FakeRestServer,
  type RecordedFile,
  type RecordedInteractionResponse,
  type RecordedRequest,
  type Script429Options,
  type ScriptErrorOptions,
  type ScriptNetworkErrorOptions,
  type ScriptRateLimitOptions,
  type ScriptSearchIndexOptions,
} from "./fake_rest.ts";
export {
  type FakeAcceptOptions,
  type FakeClientFrame,
  type FakeCloseOptions,
  type FakeConnectionPlan,
  type FakeConnectionState,
  type FakeDispatchOptions,
  FakeGateway,
  type FakeGatewayBotInfo,
  type FakeGatewayCarrier,
  type FakeGatewayConnection,
  type FakeGatewayCounters,
  type FakeGatewayEvent,
  type FakeGatewayOptions,
  type FakeGatewayPeer,
  type FakeGatewayPeerHandle,
  type FakeGatewaySession,
  type FakeGatewayTarget,
  type FakeGatewayTokenOptions,
  type FakeGatewayUrlKind,
  type FakeGuildSeed,
  type FakeHandshakeOutcome,
  type FakeIdentifyEvent,
  type FakeReconnectOptions,
  type FakeResumeEvent,
  type FakeSessionStartLimit,
  type FakeSessionStartLimitOptions,
  type FakeSessionState,
} from "./fake_gateway.ts";
export {
  type FakeGatewayServer,
  type FakeGatewayServerOptions,
  serveFakeGateway,
} from "./fake_gateway_server.ts";
export {
  type FakeAttachmentInput,
  type FakeChannelInput,
  type FakeCommandInput,
  type FakeCommandOptions,
  type FakeDeletedMessage,
  FakeDiscord,
  type FakeDiscordClientOptions,
  type FakeDiscordOptions,
  type FakeDispatchedMessage,
  type FakeModalValues,
  type FakeOptionInput,
  type FakeOptionInputFor,
  type FakeRoleInput,
  type FakeSlashCommand,
  type FakeSubcommandInput,
  type FakeUserActionOptions,
} from "./fake_discord.ts";
export {
  InteractionSigner,
  type SignedRequestOptions,
} from "./interaction_signer.ts";
export {
  type FakeChannel,
  type FakeMember,
  type FakeReply,
  type FakeResourceHost,
  FakeResources,
  type FakeRole,
  type FakeRoute,
  type FakeRouteContext,
  type FakeThreadMember,
  type FakeUploadedFile,
  type FakeWebhook,
} from "./fake_resources.ts";

// Types its public signatures use, so this entry documents itself on its own.

export type { Scheduler, TimerId } from "../base/scheduler.ts";
export type {
  GatewaySocket,
  SocketListener,
  Transport,
} from "../gateway/transport.ts";
export type {
  ApplicationCommandBody,
  ApplicationCommandOptionPayload,
  CommandOptionChoicePayload,
  RestApplicationCommand,
  RestMessage,
  RestUser,
  SessionStartLimitInfo,
} from "../rest/payloads.ts";
// The command as Discord returns it and as a body takes it (what
// RestApplicationCommand and ApplicationCommandBody, kept for compatibility,
// name), with the types they are made of.
export {
  type ApplicationCommand,
  type ApplicationCommandCreateBody,
  type ApplicationCommandOption,
  type ApplicationCommandOptionChoice,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type LocalizationMap,
} from "../types/objects/application_command.ts";
export type { GatewayPayload, Snowflake } from "../types/gateway_payloads.ts";
export type {
  ChatInputCommand,
  Choice,
  CommandBase,
  Localizations,
  MessageCommand,
  OptionDefinition,
  OptionMap,
  OptionValue,
  OptionValues,
  RequiredKeys,
  Simplify,
  SubcommandDefinition,
  SubcommandGroupDefinition,
  UserCommand,
} from "../interactions/commands.ts";
export type { HasSubcommands } from "../interactions/routed_interaction.ts";
export { ChannelType } from "../types/objects/channel.ts";
export type {
  ApplicationIntegrationType,
  InteractionContextType,
} from "../types/objects/interaction.ts";
