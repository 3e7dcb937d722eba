// errorText() reads what was thrown for a report, and must never throw:
// the report was lost when it did (in a timer, the process ended).
import assert from "node:assert/strict";
import { errorText } from "../../base/error_text.ts";

Deno.test("errorText: an Error's message, anything else as String()", () => {
  assert.equal(errorText(new TypeError("bad input")), "bad input");
  assert.equal(errorText("text"), "text");
  assert.equal(errorText(42), "42");
  assert.equal(errorText(undefined), "undefined");
  assert.equal(errorText(null), "null");
  assert.equal(errorText(Symbol("x")), "Symbol(x)");
  assert.equal(errorText({ toString: () => "custom" }), "custom");
});

Deno.test("errorText: values no String() can read fall back, never throwing", () => {
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const hidden = new Error("hidden");
  Object.defineProperty(hidden, "message", {
    get(): never {
      throw new Error("message getter");
    },
  });
  const protoTrap = new Proxy({}, {
    getPrototypeOf(): never {
      throw new Error("trap");
    },
  });
  const throwingToString = {
    toString(): never {
      throw new Error("toString");
    },
  };
  assert.equal(errorText(Object.create(null)), "[object Object]");
  assert.equal(errorText(throwingToString), "[object Object]");
  assert.equal(errorText(protoTrap), "[object Object]");
  assert.equal(errorText(hidden), "[object Error]");
  // Even Object.prototype.toString throws on a revoked Proxy.
  assert.equal(errorText(revoked), "(an unprintable value)");
});

Deno.test("errorText: an Error whose message is no string still gives a string", () => {
  // Its callers put it in template literals, which throw on a Symbol.
  const symbolic = new Error("x");
  Object.defineProperty(symbolic, "message", { value: Symbol("boom") });
  assert.equal(errorText(symbolic), "Symbol(boom)");
  const hostile = new Error("x");
  Object.defineProperty(hostile, "message", {
    value: {
      toString(): never {
        throw new Error("no");
      },
    },
  });
  assert.equal(typeof errorText(hostile), "string");
  assert.doesNotThrow(() => `${errorText(hostile)}`);
});
