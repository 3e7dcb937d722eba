import assert from "node:assert/strict";
import {
  denoSocketsAvailable,
  envReadRefused,
  nodeBuiltin,
  readEnvIfAllowed,
  runtimeOs,
} from "../../base/runtime.ts";

Deno.test("runtimeOs names Deno's operating system", () => {
  assert.equal(runtimeOs(), Deno.build.os);
});

Deno.test("denoSocketsAvailable is true on Deno", () => {
  assert.equal(denoSocketsAvailable(), true);
});

Deno.test("readEnvIfAllowed reads a permitted variable and never prompts", async () => {
  const status = await Deno.permissions.query({
    name: "env",
    variable: "PATH",
  });
  assert.equal(
    readEnvIfAllowed("PATH"),
    status.state === "granted" ? Deno.env.get("PATH") : undefined,
  );
});

Deno.test("nodeBuiltin loads node:zlib synchronously", () => {
  const zlib = nodeBuiltin("node:zlib") as { inflateSync?: unknown };
  assert.equal(typeof zlib.inflateSync, "function");
});

Deno.test("envReadRefused says a permitted variable's read is not refused", async () => {
  const status = await Deno.permissions.query({
    name: "env",
    variable: "PATH",
  });
  assert.equal(envReadRefused("PATH"), status.state !== "granted");
});
