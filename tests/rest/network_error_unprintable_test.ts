// A NetworkError names the innermost reason of what fetch rejected with;
// reading a value no String() can read (an object without a prototype, a
// Proxy whose getPrototypeOf throws) threw a TypeError instead, so the
// request failed with that rather than a NetworkError.
import assert from "node:assert/strict";
import { NetworkError } from "../../rest/errors.ts";

Deno.test("NetworkError: a cause without a prototype is named, not thrown over", () => {
  const error = new NetworkError({
    method: "GET",
    path: "/gateway/bot",
    cause: Object.create(null),
  });
  assert.equal(error.message, "GET /gateway/bot failed: [object Object]");
  assert.equal(error.name, "NetworkError");
});

Deno.test("NetworkError: a cause chain ending in a hostile Proxy still builds", () => {
  const proxy = new Proxy({}, {
    getPrototypeOf(): never {
      throw new Error("trap");
    },
  });
  const direct = new NetworkError({ method: "GET", path: "/a", cause: proxy });
  assert.equal(direct.message, "GET /a failed: [object Object]");
  const chained = new NetworkError({
    method: "GET",
    path: "/a",
    cause: new TypeError("fetch failed", { cause: proxy }),
  });
  assert.equal(chained.message, "GET /a failed: fetch failed");
});

Deno.test("NetworkError: an ordinary chain still names its innermost Error", () => {
  const error = new NetworkError({
    method: "GET",
    path: "/a",
    cause: new TypeError("fetch failed", {
      cause: new Error("Connection refused (os error 111)"),
    }),
  });
  assert.equal(
    error.message,
    "GET /a failed: Connection refused (os error 111)",
  );
});
