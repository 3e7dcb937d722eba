/**
 * The gateway: one {@linkcode Shard} per WebSocket session, written as an
 * explicit state machine whose timers all go through an injected
 * {@linkcode Scheduler}.
 *
 * @module
 */
export * from "../base/scheduler.ts";
export * from "./transport.ts";
export * from "./errors.ts";
export * from "../base/backoff.ts";
export * from "./send_rate_limiter.ts";
export * from "./inflater.ts";
export * from "./identify_queue.ts";
export * from "./shard.ts";
export * from "./shard_state.ts";
export * from "./shard_options.ts";
export * from "./frame_peek.ts";
export * from "./gateway_commands.ts";
export * from "./member_request.ts";
export * from "./session_store.ts";
export * from "./kv_session_store.ts";
export * from "./shard_routing.ts";
export * from "./shard_manager.ts";
export {
  createTcpWebSocketTransport,
  tcpWebSocketTransport,
  type TcpWebSocketTransportOptions,
} from "./tcp_transport.ts";
export { defaultTransport } from "./default_transport.ts";
