// A router holds the Clients it is attached to weakly: a bot that builds a
// fresh Client after a fatal error and attaches its long-lived router again,
// ignoring attach()'s detach function, does not keep every old Client (and
// its cache) alive. Measured in a child process after full collections
// (--expose-gc).
import assert from "node:assert/strict";
import { heapGrowthWith } from "../_fakes/heap_growth.ts";

const CHILD = new URL("./_router_attach_growth_child.ts", import.meta.url);

Deno.test("InteractionRouter: 100 Clients attached and dropped without detaching are collected", async () => {
  const alive = await heapGrowthWith(["--allow-read", "--allow-env"], CHILD);
  // Held strongly by the router: all 100 stayed.
  assert.ok(alive <= 2, `${alive} of 100 Clients still alive`);
});
