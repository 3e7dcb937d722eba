/**
 * Run in a subprocess by tests/gateway/shard_connect_failure_test.ts (it
 * counts this process's sockets, which tests running in parallel would
 * disturb): twenty times, a TCP-transport socket is closed from a
 * Deno.serve handler in the turn its connect completes. Prints the number
 * of client sockets to the gateway left open once the gateway side has
 * closed everything.
 */
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";

const TRIALS = 20;

/**
 * This process's open sockets connected to `port` (the client side of
 * connections to the gateway): its fds' socket inodes, matched in the
 * kernel's TCP tables. Other sockets (the HTTP client's pool, the
 * servers') do not count.
 */
function clientSockets(port: number): number {
  const toPort = new Map<string, number>();
  for (const table of ["/proc/self/net/tcp", "/proc/self/net/tcp6"]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(table);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const remote = fields[2]!.split(":")[1]!;
      toPort.set(fields[9]!, parseInt(remote, 16));
    }
  }
  let count = 0;
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      const link = Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode !== undefined && toPort.get(inode) === port) count++;
    } catch {
      // Closed meanwhile.
    }
  }
  return count;
}

const gateway = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const held: Deno.Conn[] = [];
const accepting = (async () => {
  for await (const conn of gateway) held.push(conn);
})();
let socket: { close(code: number): void } | undefined;
const admin = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => {
    socket?.close(1000);
    return new Response("closed");
  },
);
const url = `http://127.0.0.1:${admin.addr.port}/`;
await (await fetch(url)).text(); // the client's connection, pooled
for (let trial = 0; trial < TRIALS; trial++) {
  const closed = Promise.withResolvers<void>();
  const asked = fetch(url);
  socket = tcpWebSocketTransport(`ws://127.0.0.1:${gateway.addr.port}/`, {
    onOpen: () => {},
    onMessage: () => {},
    onError: () => {},
    onClose: () => closed.resolve(),
  });
  await (await asked).text();
  await closed.promise;
}
// The gateway side closes what it took and stops taking more.
gateway.close();
await accepting.catch(() => {});
for (const conn of held.splice(0)) conn.close();
// A connect that completes after its close() is closed by the transport
// as it completes: give those a moment (a leaked one stays for good).
const left = (): number => clientSockets(gateway.addr.port);
for (let wait = 0; wait < 100 && left() > 0; wait++) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
// deno-lint-ignore no-console -- the parent test reads this line
console.log(JSON.stringify({ left: left() }));
await admin.shutdown();
