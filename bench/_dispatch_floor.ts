/**
 * The dispatch bench's floor: a bare AMQP publisher. It first reads the
 * bench server's whole stream over a plain WebSocket (not measured), then
 * publishes the same bodies the service would (the frame plus `"shard":0`)
 * to the `gateway` exchange, persistent, with publisher confirms, on one
 * channel, and exits once every publish is confirmed.
 *
 * @module
 */
import { AMQPClient } from "@cloudamqp/amqp-client";
import { parseFlags } from "./_measure.ts";

const flags = parseFlags(Deno.args);
const url = flags.get("url")!;
const events = Number(flags.get("events"));
const amqpUrl = flags.get("amqp")!;

const frames: string[] = [];
await new Promise<void>((resolve, reject) => {
  const socket = new WebSocket(`${url}/stream?v=10&encoding=json`);
  socket.onmessage = (message) => {
    const text = String(message.data);
    if (text.includes('"op":10')) {
      socket.send(JSON.stringify({
        op: 2,
        d: {
          token: "bench",
          intents: 0,
          properties: { os: "linux", browser: "bench", device: "bench" },
        },
      }));
      return;
    }
    frames.push(text);
    if (frames.length === events + 1) {
      socket.onclose = () => resolve();
      socket.close();
    }
  };
  socket.onerror = () => reject(new Error("bench server socket failed"));
});

const client = new AMQPClient(amqpUrl);
await client.connect();
const channel = await client.channel();
await channel.confirmSelect();
await channel.exchangeDeclare("gateway", "topic", { durable: true });
const confirms: Promise<number>[] = [];
for (const frame of frames) {
  const name = /"t":"([A-Z_]+)"/.exec(frame)?.[1] ?? "UNKNOWN";
  const body = `${frame.slice(0, frame.lastIndexOf("}"))},"shard":0}`;
  confirms.push(
    channel.basicPublish("gateway", name, body, {
      deliveryMode: 2,
      contentType: "application/json",
    }),
  );
}
await Promise.all(confirms);
await client.close();
