// Spawns tests/_fakes/fleet_member.ts as a subprocess and follows what it
// prints: the shards it holds, its shard counts, its replies and every
// dispatch it handled.
import type { FleetMemberConfig } from "./fleet_member.ts";

const MEMBER = new URL("./fleet_member.ts", import.meta.url).pathname;

/** One dispatch a member handled. */
export interface MemberDelivery {
  shard: number;
  seq: number;
  session: string;
  /** The payload's `id`, `-` when none. */
  id: string;
  /** The shard count of the set it came from. */
  shardCount: number;
}

/** A running member and what it printed so far. */
export interface MemberProcess {
  child: Deno.ChildProcess;
  /** The shards it runs (of the set events come from). */
  held: number[];
  /** Its shard count, and the count a reshard moves to ("-" when none). */
  gen: { count: number; next: string; nextIds: string };
  /** Its answers to `reshard` lines. */
  replies: string[];
  delivered: MemberDelivery[];
  /** Write one command line to its stdin. */
  send(line: string): Promise<void>;
  /** Close its stdin: the member closes its fleet and exits. */
  end(): Promise<void>;
  /** Resolves when its stdout ends. */
  done: Promise<void>;
}

/**
 * Start a member; `changed` is called after every chunk of its output.
 */
export function spawnMember(
  config: FleetMemberConfig,
  changed: () => void,
): MemberProcess {
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "--allow-net=127.0.0.1,localhost",
      "--allow-env",
      "--allow-read",
      MEMBER,
      JSON.stringify(config),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    env: { NO_PROXY: "127.0.0.1,localhost" },
  }).spawn();
  const stdin = child.stdin.getWriter();
  const member: MemberProcess = {
    child,
    held: [],
    gen: { count: 0, next: "-", nextIds: "" },
    replies: [],
    delivered: [],
    send: (line) => stdin.write(new TextEncoder().encode(line + "\n")),
    end: () => stdin.close().catch(() => {}),
    done: Promise.resolve(),
  };
  member.done = (async () => {
    let rest = "";
    const text = new TextDecoder();
    for await (const chunk of child.stdout) {
      rest += text.decode(chunk, { stream: true });
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        const [kind, ...f] = line.split(" ");
        if (kind === "held") {
          member.held = f[0] ? f[0].split(",").map(Number) : [];
        } else if (kind === "gen") {
          member.gen = {
            count: Number(f[0]),
            next: f[1]!,
            nextIds: f[2] ?? "",
          };
        } else if (kind === "r") {
          member.replies.push(f.join(" "));
        } else if (kind === "d") {
          member.delivered.push({
            shard: Number(f[0]),
            seq: Number(f[1]),
            session: f[2]!,
            id: f[3]!,
            shardCount: Number(f[4]),
          });
        }
      }
      changed();
    }
    changed();
  })();
  return member;
}
