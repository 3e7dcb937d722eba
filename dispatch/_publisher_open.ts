// One connection attempt of the publisher: connect, then set the
// connection up (the exchange, a confirm channel, the caller's
// `onConnect`), all under one deadline. A broker that answers the
// handshake, proposes heartbeat 0 (RabbitMQ's `heartbeat = 0`) and then
// nothing kept a set-up step waiting for ever: no heartbeat ends such a
// connection, so start() never settled and close(), awaiting it, never
// ended (a SIGTERM survived minutes). Kept apart from the publisher, which
// only takes the channel it gives.
import type { AMQPChannel, AMQPClient } from "@cloudamqp/amqp-client";
import { ensureTopicExchange } from "./declare.ts";
import { readNackMultiple } from "./amqp_nack_multiple.ts";
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";

/**
 * How long one connection attempt may take: the connect and every set-up
 * step after it.
 */
export const CONNECT_TIMEOUT = 10_000;

/** What {@linkcode openConfirmChannel} needs besides the client. */
export interface ConfirmChannelOpen {
  /** The clock of the deadline. */
  scheduler: Scheduler;
  /** The topic exchange to declare. */
  exchange: string;
  /** The caller's set-up on the new connection (the service's queues). */
  onConnect?: ((client: AMQPClient) => Promise<void>) | undefined;
  /** A publish the broker returned (`mandatory`, no queue took it). */
  onReturn: (routingKey: string, reason: string) => void;
  /** Whether the caller closed meanwhile: the connection is closed again. */
  closing: () => boolean;
  /** Drops the attempt at once (the caller's close gave up waiting). */
  signal: AbortSignal;
}

/**
 * Drop the client's socket at once: its close waits for a broker's answer
 * that may never come.
 *
 * @param client The client whose socket goes.
 */
export function destroySocket(client: AMQPClient): void {
  (client as { socket?: { destroy(): void } }).socket?.destroy();
}

/**
 * Connect `client` and open a confirm channel on it within
 * {@linkcode CONNECT_TIMEOUT}; past it, or once `signal` aborts, the socket
 * is dropped, so nothing of the attempt lingers.
 *
 * @param client A client not yet connected.
 * @param open The deadline's clock, the set-up and the callbacks.
 * @returns The confirm channel; `undefined` when the caller closed
 *   meanwhile (the connection is closed) or `signal` dropped the attempt.
 * @throws {Error} The connect's or a set-up step's error, or
 *   `no answer in 10000 ms` at the deadline.
 */
export async function openConfirmChannel(
  client: AMQPClient,
  open: ConfirmChannelOpen,
): Promise<AMQPChannel | undefined> {
  const settingUp = setUp(client, open);
  const settled = await settlesWithin(
    open.scheduler,
    settingUp,
    CONNECT_TIMEOUT,
    open.signal,
  );
  if (settled) return await settingUp;
  // Its later failure, once the socket is gone, is nobody's concern: it
  // set nothing on the caller.
  settingUp.catch(() => {});
  destroySocket(client);
  if (open.signal.aborted) return undefined;
  throw new Error(`no answer in ${CONNECT_TIMEOUT} ms`);
}

async function setUp(
  client: AMQPClient,
  open: ConfirmChannelOpen,
): Promise<AMQPChannel | undefined> {
  await client.connect();
  if (open.closing()) {
    await client.close().catch(() => {});
    return undefined;
  }
  await ensureTopicExchange(client, open.exchange);
  const channel = await client.channel();
  await channel.confirmSelect();
  readNackMultiple(client, channel);
  channel.onReturn = (message) =>
    open.onReturn(message.routingKey, message.replyText ?? "");
  await open.onConnect?.(client);
  return channel;
}
