// A RabbitMQ stand-in on 127.0.0.1 that speaks just enough AMQP 0-9-1 for
// ConfirmedPublisher (handshake, channels, exchange declare, confirm mode,
// publish) and the dispatch service's queue setup (queue declare, bind),
// and confirms publishes only when the test says so: the buffer's
// accounting can be watched event by event without a real broker. It can
// return a publish (basic.return, as RabbitMQ returns a mandatory one no
// queue took), answer a passive declare of a deleted queue with 404, block
// and unblock publishing (a resource alarm), take a consumer (basic.qos,
// basic.consume) to which it never delivers, go silent once a
// connection is open, tune a heartbeat and send heartbeats on request, and
// freeze the open connections (read, never answered) as a broker stopped
// by SIGSTOP or cut off by the network.

/** AMQP frame types. */
const METHOD = 1;
const HEADER = 2;
const BODY = 3;
const HEARTBEAT = 8;
const FRAME_END = 0xce;
const FRAME_MAX = 131_072;

/** A method frame's payload: class, method, then its arguments. */
function method(
  classId: number,
  methodId: number,
  args: number[] = [],
): Uint8Array {
  return new Uint8Array([
    classId >> 8,
    classId & 0xff,
    methodId >> 8,
    methodId & 0xff,
    ...args,
  ]);
}

/** An AMQP short string: its length in one byte, then its bytes. */
function shortString(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [bytes.length, ...bytes];
}

/** `value` as `bytes` big-endian bytes. */
function be(value: number, bytes: number): number[] {
  return Array.from(
    { length: bytes },
    (_, i) => Number((BigInt(value) >> BigInt(8 * (bytes - 1 - i))) & 0xffn),
  );
}

function frame(type: number, channel: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, type);
  view.setUint16(1, channel);
  view.setUint32(3, payload.length);
  out.set(payload, 7);
  out[7 + payload.length] = FRAME_END;
  return out;
}

/**
 * The delivery-mode of a content header's payload (class, weight, body
 * size, property flags, then the properties the flags name, in order), or
 * `undefined` when it sets none.
 */
function deliveryMode(header: Uint8Array): number | undefined {
  const view = new DataView(header.buffer, header.byteOffset);
  const flags = view.getUint16(12);
  let at = 14;
  // content-type and content-encoding: short strings.
  if (flags & 0x8000) at += 1 + header[at]!;
  if (flags & 0x4000) at += 1 + header[at]!;
  // headers: a table, its size first.
  if (flags & 0x2000) at += 4 + view.getUint32(at);
  return flags & 0x1000 ? header[at] : undefined;
}

/** One publish the broker took: its channel, delivery tag and body size. */
export interface FakePublish {
  readonly channel: number;
  readonly tag: number;
  bodyBytes: number;
  /** Its body's text, as its body frames arrived. */
  body: string;
  /** Whether it was published `mandatory`. */
  readonly mandatory: boolean;
  /** Its content header's delivery-mode (2: persistent), if it set one. */
  deliveryMode?: number | undefined;
}

/** The fake broker: one listener, any number of connections. */
export class FakeAmqpBroker {
  readonly #listener: Deno.TcpListener;
  readonly #conns = new Set<Deno.TcpConn>();
  readonly #accepting: Promise<void>;
  /** The connections' read loops, awaited at disposal. */
  readonly #serving = new Set<Promise<void>>();
  /** Every publish taken, in order, across connections. */
  readonly publishes: FakePublish[] = [];
  readonly #unacked: { conn: Deno.Conn; publish: FakePublish }[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  /**
   * Whether a connection.close is answered (close-ok). `false` acts as a
   * broker under a resource alarm, which does not read a blocked connection.
   */
  readonly answerClose: boolean;
  /** Connections closed, by the client or by the socket dropping. */
  closedConnections = 0;
  /**
   * What a `queue.declare` (passive or not) of each queue answers: its
   * message and consumer counts (a queue not listed has none of either).
   */
  readonly queues = new Map<string, { messages: number; consumers: number }>();
  /** The queues declared (passively or not), in order, one entry a declare. */
  readonly declared: string[] = [];
  /**
   * The declares that are not passive, queues' and exchanges', in order:
   * the name and whether it asked for a durable one.
   */
  readonly created: { name: string; durable: boolean }[] = [];
  /**
   * Queues deleted: a passive declare of one closes its channel with 404
   * `NOT_FOUND`, as RabbitMQ does; a declare that is not passive creates it
   * again (removes it from here).
   */
  readonly deleted = new Set<string>();
  /** Connections opened (connection.open answered). */
  connections = 0;
  /**
   * Refuse every login: connection.start-ok answered with a connection.close
   * 403 `ACCESS_REFUSED`, as RabbitMQ answers a wrong user or password.
   */
  refuseLogin = false;
  /**
   * The type every exchange already has: a declare that is not passive of
   * another type closes its channel with 406 `PRECONDITION_FAILED`, as
   * RabbitMQ does. `undefined`: every declare succeeds.
   */
  exchangeType: string | undefined;

  /**
   * Whether a connection, once open, is answered no more: as a broker that
   * tuned heartbeat 0 (it always does here) and then went silent, which no
   * heartbeat ends.
   */
  readonly silentAfterOpen: boolean;
  /** The heartbeat interval tuned, in seconds (0: none, RabbitMQ's `heartbeat = 0`). */
  readonly heartbeat: number;
  /** Connections {@linkcode freeze} froze: read, never answered. */
  readonly #frozen = new Set<Deno.Conn>();
  /** Heartbeat frames received from clients. */
  #beats = 0;
  #beatWaiters: { count: number; resolve: () => void }[] = [];
  readonly #ignoring = Promise.withResolvers<void>();
  readonly #ended = Promise.withResolvers<void>();

  constructor(
    options: {
      answerClose?: boolean;
      silentAfterOpen?: boolean;
      heartbeat?: number;
    } = {},
  ) {
    this.answerClose = options.answerClose ?? true;
    this.silentAfterOpen = options.silentAfterOpen ?? false;
    this.heartbeat = options.heartbeat ?? 0;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** `amqp://` URL to give the publisher. */
  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.#listener.addr.port}`;
  }

  /**
   * Resolves once a connection, silent after its open, sent a method the
   * broker left unanswered (the client's set-up after the connect).
   */
  get ignoring(): Promise<void> {
    return this.#ignoring.promise;
  }

  /** Resolves once a connection ended (the client closed or dropped it). */
  get ended(): Promise<void> {
    return this.#ended.promise;
  }

  /** Resolves once `count` publishes (in all) were taken. */
  received(count: number): Promise<void> {
    if (this.publishes.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Confirm (basic.ack) the oldest `count` unconfirmed publishes, in order. */
  async ack(count: number = this.#unacked.length): Promise<void> {
    for (const { conn, publish } of this.#unacked.splice(0, count)) {
      await this.#send(
        conn,
        publish.channel,
        method(60, 80, [...be(publish.tag, 8), 0]),
      );
    }
  }

  /**
   * Refuse (basic.nack) the oldest `count` unconfirmed publishes, in order,
   * as RabbitMQ does when a queue with `x-overflow: reject-publish` is full:
   * one nack each, or with `multiple` one nack of the last with `multiple`
   * and `requeue` set, as RabbitMQ sends a nack of several.
   */
  async nack(count = 1, options: { multiple?: boolean } = {}): Promise<void> {
    const refused = this.#unacked.splice(0, count);
    const sent = options.multiple ? refused.slice(-1) : refused;
    for (const { conn, publish } of sent) {
      await this.#send(
        conn,
        publish.channel,
        method(60, 120, [...be(publish.tag, 8), options.multiple ? 3 : 0]),
      );
    }
  }

  /**
   * Refuse (basic.nack) only the unconfirmed publish at `index` (0: the
   * oldest), `requeue` set and `multiple` not, leaving the ones before it
   * unanswered: as RabbitMQ nacks a persistent publish a full queue refused
   * at once while earlier ones wait for the disk before their ack.
   */
  async nackOnly(index: number): Promise<void> {
    const [refused] = this.#unacked.splice(index, 1);
    if (refused === undefined) throw new RangeError(`no publish ${index}`);
    await this.#send(
      refused.conn,
      refused.publish.channel,
      method(60, 120, [...be(refused.publish.tag, 8), 2]),
    );
  }

  /**
   * Return (basic.return 312 `NO_ROUTE`, with an empty body) the unconfirmed
   * publish at `index` (0: the oldest), as RabbitMQ returns a mandatory
   * publish no queue took; it stays unconfirmed, and {@linkcode ack}
   * confirms it later as RabbitMQ does.
   */
  async returnOnly(index: number): Promise<void> {
    const entry = this.#unacked[index];
    if (entry === undefined) throw new RangeError(`no publish ${index}`);
    const text = (s: string) => [s.length, ...new TextEncoder().encode(s)];
    const { conn, publish } = entry;
    await this.#send(
      conn,
      publish.channel,
      method(60, 50, [
        ...be(312, 2),
        ...text("NO_ROUTE"),
        ...text("gateway"),
        ...text("MESSAGE_CREATE"),
      ]),
    );
    // The content header: class 60, weight 0, body size 0, no properties.
    const header = new Uint8Array([0, 60, 0, 0, ...be(0, 8), 0, 0]);
    await conn.write(frame(HEADER, publish.channel, header));
  }

  /**
   * Block publishing on every open connection (connection.blocked with
   * `reason`), as RabbitMQ does under a memory or disk alarm.
   */
  async block(reason = "low on memory"): Promise<void> {
    const text = [reason.length, ...new TextEncoder().encode(reason)];
    for (const conn of this.#conns) {
      await this.#send(conn, 0, method(10, 60, text));
    }
  }

  /**
   * Freeze every open connection: what it sends is read and never answered
   * (no confirm, no heartbeat, no close-ok), as a broker stopped by SIGSTOP
   * or a network that drops one direction. New connections are served.
   */
  freeze(): void {
    for (const conn of this.#conns) this.#frozen.add(conn);
  }

  /**
   * Send a heartbeat frame on every open connection not frozen; resolves
   * once the clients answered with as many (the client answers each one it
   * reads, so it was read).
   */
  async sendHeartbeats(): Promise<void> {
    const live = [...this.#conns].filter((conn) => !this.#frozen.has(conn));
    const count = this.#beats + live.length;
    const answered = count <= this.#beats
      ? Promise.resolve()
      : new Promise<void>((resolve) =>
        this.#beatWaiters.push({ count, resolve })
      );
    for (const conn of live) {
      await conn.write(frame(HEARTBEAT, 0, new Uint8Array(0)));
    }
    await answered;
  }

  /** End a {@linkcode block} (connection.unblocked on every connection). */
  async unblock(): Promise<void> {
    for (const conn of this.#conns) await this.#send(conn, 0, method(10, 61));
  }

  /** Close the listener and every connection; resolves once all ended. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // Closed by its read loop already (connection.close).
      }
    }
    await Promise.all(this.#serving);
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#conns.add(conn);
        const serving = this.#serve(conn).catch(() => {}).finally(() => {
          // Ended by the client (a read of nothing, or a reset): closed
          // here, or the test's sanitizer finds the socket open.
          try {
            conn.close();
          } catch {
            // Closed already (connection.close).
          }
          this.closedConnections++;
          // A broker forgets the unconfirmed publishes of a connection
          // gone: an ack() after it confirms those of the live ones.
          for (let i = this.#unacked.length - 1; i >= 0; i--) {
            if (this.#unacked[i]!.conn === conn) this.#unacked.splice(i, 1);
          }
          this.#frozen.delete(conn);
          this.#ended.resolve();
          this.#conns.delete(conn);
          this.#serving.delete(serving);
        });
        this.#serving.add(serving);
      }
    } catch {
      // The listener was closed.
    }
  }

  #send(conn: Deno.Conn, channel: number, payload: Uint8Array): Promise<void> {
    return conn.write(frame(METHOD, channel, payload)).then(() => {});
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    let buffered = new Uint8Array(0);
    let [greeted, opened] = [false, false];
    const tags = new Map<number, number>();
    const chunk = new Uint8Array(65_536);
    while (true) {
      const n = await conn.read(chunk);
      if (n === null) return;
      const joined = new Uint8Array(buffered.length + n);
      joined.set(buffered);
      joined.set(chunk.subarray(0, n), buffered.length);
      buffered = joined;
      if (!greeted) {
        if (buffered.length < 8) continue; // "AMQP" 0 0 9 1
        buffered = buffered.slice(8);
        greeted = true;
        // connection.start: version 0-9, no properties, PLAIN, en_US.
        const text = (s: string) => [
          ...be(s.length, 4),
          ...new TextEncoder().encode(s),
        ];
        await this.#send(
          conn,
          0,
          method(10, 10, [
            0,
            9,
            ...be(0, 4),
            ...text("PLAIN"),
            ...text("en_US"),
          ]),
        );
      }
      while (buffered.length >= 8) {
        const view = new DataView(buffered.buffer, buffered.byteOffset);
        const size = view.getUint32(3);
        if (buffered.length < size + 8) break;
        const type = view.getUint8(0);
        const channel = view.getUint16(1);
        const payload = buffered.subarray(7, 7 + size);
        buffered = buffered.slice(size + 8);
        if (type === BODY) {
          const last = this.publishes.findLast((p) => p.channel === channel);
          if (last) {
            last.bodyBytes += payload.length;
            last.body += new TextDecoder().decode(payload);
          }
          continue;
        }
        if (type === HEARTBEAT) {
          this.#beats++;
          this.#beatWaiters = this.#beatWaiters.filter((waiter) => {
            if (waiter.count > this.#beats) return true;
            waiter.resolve();
            return false;
          });
          continue;
        }
        if (type === HEADER) {
          const last = this.publishes.findLast((p) => p.channel === channel);
          if (last) last.deliveryMode = deliveryMode(payload);
          continue;
        }
        if (type !== METHOD) continue;
        if (opened && this.silentAfterOpen) {
          this.#ignoring.resolve();
          continue;
        }
        const id = (payload[0]! << 8 | payload[1]!) * 1000 +
          (payload[2]! << 8 | payload[3]!);
        // Frozen: a publish is recorded (what the client wrote), never
        // confirmed; nothing else is answered.
        const frozen = this.#frozen.has(conn);
        if (frozen && id !== 60_040) continue;
        switch (id) {
          case 10_011: // connection.start-ok: tune
            if (this.refuseLogin) {
              await this.#send(
                conn,
                0,
                method(10, 50, [
                  ...be(403, 2),
                  ...shortString(
                    "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN",
                  ),
                  ...be(0, 4),
                ]),
              );
              break;
            }
            await this.#send(
              conn,
              0,
              method(10, 30, [
                ...be(2047, 2),
                ...be(FRAME_MAX, 4),
                ...be(this.heartbeat, 2),
              ]),
            );
            break;
          case 10_040: // connection.open
            this.connections++;
            opened = true;
            await this.#send(conn, 0, method(10, 41, [0]));
            break;
          case 10_050: // connection.close
            if (!this.answerClose) break;
            await this.#send(conn, 0, method(10, 51));
            conn.close();
            return;
          case 20_010: // channel.open
            await this.#send(conn, channel, method(20, 11, be(0, 4)));
            break;
          case 20_040: // channel.close
            await this.#send(conn, channel, method(20, 41));
            break;
          case 20_041: // channel.close-ok (of a close the broker sent)
            break;
          case 40_010: { // exchange.declare: reserved short, name, type
            const length = payload[6]!;
            const name = new TextDecoder().decode(
              payload.subarray(7, 7 + length),
            );
            const typeLength = payload[7 + length]!;
            const type = new TextDecoder().decode(
              payload.subarray(8 + length, 8 + length + typeLength),
            );
            // The bits after the type: passive is the first, durable next.
            const bits = payload[8 + length + typeLength]!;
            const passive = (bits & 1) === 1;
            if (!passive) {
              this.created.push({ name, durable: (bits & 2) === 2 });
            }
            const current = this.exchangeType;
            if (!passive && current !== undefined && type !== current) {
              const reply =
                `PRECONDITION_FAILED - inequivalent arg 'type' for exchange '${name}' in vhost '/': received '${type}' but current is '${current}'`;
              await this.#send(
                conn,
                channel,
                method(20, 40, [
                  ...be(406, 2),
                  ...shortString(reply),
                  ...be(40, 2),
                  ...be(10, 2),
                ]),
              );
              break;
            }
            await this.#send(conn, channel, method(40, 11));
            break;
          }
          case 50_010: { // queue.declare: reserved short, then the name
            const length = payload[6]!;
            const name = new TextDecoder().decode(
              payload.subarray(7, 7 + length),
            );
            this.declared.push(name);
            // The bits after the name: passive is the first, durable next.
            const bits = payload[7 + length]!;
            const passive = (bits & 1) === 1;
            if (!passive) {
              this.created.push({ name, durable: (bits & 2) === 2 });
            }
            if (passive && this.deleted.has(name)) {
              const reply = `NOT_FOUND - no queue '${name}' in vhost '/'`;
              await this.#send(
                conn,
                channel,
                method(20, 40, [
                  ...be(404, 2),
                  reply.length,
                  ...new TextEncoder().encode(reply),
                  ...be(50, 2),
                  ...be(10, 2),
                ]),
              );
              break;
            }
            if (!passive) this.deleted.delete(name);
            const counts = this.queues.get(name) ??
              { messages: 0, consumers: 0 };
            await this.#send(
              conn,
              channel,
              method(50, 11, [
                length,
                ...payload.subarray(7, 7 + length),
                ...be(counts.messages, 4),
                ...be(counts.consumers, 4),
              ]),
            );
            break;
          }
          case 50_020: // queue.bind
            await this.#send(conn, channel, method(50, 21));
            break;
          case 60_010: // basic.qos
            await this.#send(conn, channel, method(60, 11));
            break;
          case 60_020: { // basic.consume: answered, nothing is ever delivered
            const consumerTag = `fake-${channel}`;
            await this.#send(
              conn,
              channel,
              method(60, 21, [
                consumerTag.length,
                ...new TextEncoder().encode(consumerTag),
              ]),
            );
            break;
          }
          case 85_010: // confirm.select
            tags.set(channel, 0);
            await this.#send(conn, channel, method(85, 11));
            break;
          case 60_040: { // basic.publish
            const tag = (tags.get(channel) ?? 0) + 1;
            tags.set(channel, tag);
            // reserved short, exchange, routing key, then the bits.
            let at = 6 + payload[6]! + 1;
            at += payload[at]! + 1;
            const mandatory = (payload[at]! & 1) === 1;
            const publish = {
              channel,
              tag,
              bodyBytes: 0,
              body: "",
              mandatory,
            };
            this.publishes.push(publish);
            if (!frozen) this.#unacked.push({ conn, publish });
            const count = this.publishes.length;
            this.#waiters = this.#waiters.filter((waiter) => {
              if (waiter.count > count) return true;
              waiter.resolve();
              return false;
            });
            break;
          }
        }
      }
    }
  }
}
