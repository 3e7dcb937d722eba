// Child of router_attach_growth_test.ts (run with --expose-gc): a long-lived
// router attached to 100 Clients that are then dropped without detaching.
// Prints how many of them a full collection left alive.
import { Client } from "../../handler/client.ts";
import { InteractionRouter } from "../../interactions/router.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const router = new InteractionRouter();
const refs: WeakRef<Client>[] = [];
for (let i = 0; i < 100; i++) {
  const client = new Client({ token: "t", intents: 1 });
  router.attach(client); // its detach function dropped
  refs.push(new WeakRef(client));
}
// (Each attach also drops the attaches of sources already collected.)
await new Promise((resolve) => setTimeout(resolve, 0));
gc();
await new Promise((resolve) => setTimeout(resolve, 0));
gc();
const alive = refs.filter((ref) => ref.deref() !== undefined).length;
await Deno.stdout.write(new TextEncoder().encode(`${alive}\n`));
// The router lives to the end: it is what would hold them.
if (router.constructor !== InteractionRouter) throw new Error("unreachable");
