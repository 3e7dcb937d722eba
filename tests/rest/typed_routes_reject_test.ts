import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";

/** Every exported function of every `rest/api/` route module, by name. */
async function routeFunctions(): Promise<Map<string, unknown>> {
  const dir = new URL("../../rest/api/", import.meta.url);
  const found = new Map<string, unknown>();
  for await (const entry of Deno.readDir(dir)) {
    // `_route.ts` holds the routes' shared checks, not routes.
    if (!entry.name.endsWith(".ts") || entry.name.startsWith("_")) continue;
    const module = await import(new URL(entry.name, dir).href);
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "function") {
        found.set(`${entry.name}:${name}`, value);
      }
    }
  }
  return found;
}

/** Every method of the client (not the constructor, not getters). */
function clientMethods(rest: RestClient): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const proto = RestClient.prototype as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    if (name === "constructor" || typeof descriptor.value !== "function") {
      continue;
    }
    found.set(
      `RestClient#${name}`,
      (descriptor.value as (...args: unknown[]) => unknown).bind(rest),
    );
  }
  return found;
}

Deno.test("every RestClient method and route function rejects bad input (an invalid id) instead of throwing at the call", async () => {
  let sent = 0;
  const rest = new RestClient({
    token: "tok",
    fetch: () => {
      sent++;
      return Promise.resolve(new Response("{}"));
    },
  });
  const routes = await routeFunctions();
  const methods = clientMethods(rest);
  // Enumerated, not listed: a route added later is checked too. The counts
  // only guard against the enumeration finding nothing.
  assert.ok(routes.size >= 168, `found ${routes.size} route functions`);
  assert.ok(methods.size >= 15, `found ${methods.size} client methods`);

  // `null` in every position: an invalid id (every route's first path
  // parameter), and invalid options for the routes that take no id.
  const bad = Array.from({ length: 8 }, () => null);
  const thrown: string[] = [];
  const wrong: string[] = [];
  const calls: [string, () => unknown][] = [
    ...[...routes].map(([name, f]): [string, () => unknown] => [
      name,
      () => (f as (...args: unknown[]) => unknown)(rest, ...bad),
    ]),
    ...[...methods].map(([name, f]): [string, () => unknown] => [
      name,
      () => (f as (...args: unknown[]) => unknown)(...bad),
    ]),
  ];
  for (const [name, call] of calls) {
    let result: unknown;
    try {
      result = call();
    } catch {
      thrown.push(name);
      continue;
    }
    if (!(result instanceof Promise)) {
      wrong.push(`${name}: returned ${typeof result}`);
      continue;
    }
    const error = await result.then(() => undefined, (e: unknown) => e);
    if (!(error instanceof TypeError)) {
      wrong.push(`${name}: settled with ${String(error)}`);
    }
  }
  assert.deepEqual(thrown, [], "threw at the call instead of rejecting");
  assert.deepEqual(wrong, []);
  assert.equal(sent, 0, "bad input sent a request");
});
