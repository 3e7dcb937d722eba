// The numbered MESSAGE_CREATE stream the end-to-end shard tests send through
// the fake gateway ("m1", "m2", ...), and how they read it back.
import type { ShardDispatch } from "../../gateway/shard.ts";
import type { FakeGateway } from "../../testing/fake_gateway.ts";

/** Dispatch messages `m<from>` .. `m<to>` in the fake's first guild. */
export function postNumberedMessages(
  gateway: FakeGateway,
  from: number,
  to: number,
): void {
  const guildId = gateway.guildIds[0]!;
  for (let n = from; n <= to; n++) {
    gateway.dispatch("MESSAGE_CREATE", {
      id: String(1_000 + n),
      channel_id: "2000",
      guild_id: guildId,
      content: `m${n}`,
    });
  }
}

/** The contents of the MESSAGE_CREATEs among `dispatches`, in order. */
export function contentsOf(dispatches: readonly ShardDispatch[]): string[] {
  return dispatches
    .filter((event) => event.name === "MESSAGE_CREATE")
    .map((event) => (event.data as { content: string }).content);
}

/** The contents `m<from>` .. `m<to>`, as `contentsOf` should read them. */
export function numberedContents(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);
}
