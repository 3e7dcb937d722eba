// RedisConnectError redacts the commands its causes carry (ioredis puts a
// failed command's arguments on its error: AUTH's and HELLO's hold the
// password), down a chain of causes five deep, whoever made the error: the
// class is exported, and a cause wrapped by another layer (the connection's
// setup refused, wrapped in an Error naming it) is one level further down.
import assert from "node:assert/strict";
import { RedisConnectError } from "../../redis/mod.ts";

/** An error carrying `command`, caused by `cause`. */
function failed(
  command: { name: unknown; args: unknown[] } | undefined,
  cause?: Error,
): Error {
  const error = new Error("ERR refused", { cause });
  return command === undefined ? error : Object.assign(error, { command });
}

Deno.test("RedisConnectError: the commands of its cause and of the cause's causes, five deep, show no password", () => {
  const fifth = failed({ name: "auth", args: ["bot", "secret-5"] });
  const fourth = failed(undefined, fifth);
  const third = failed({ name: "get", args: ["secret-3"] }, fourth);
  const second = failed(
    { name: "hello", args: ["3", "AUTH", "bot", "secret-2"] },
    third,
  );
  const first = failed({ name: "auth", args: ["secret-1"] }, second);
  const error = new RedisConnectError("redis://127.0.0.1:6379", {
    cause: first,
  });
  const shown = `${String(error)}\n${Deno.inspect(error, { depth: 20 })}`;
  for (const secret of ["secret-1", "secret-2", "secret-3", "secret-5"]) {
    assert.ok(!shown.includes(secret), `'${secret}' shown in:\n${shown}`);
  }
  assert.deepEqual((first as { command?: unknown }).command, {
    name: "auth",
    args: ["***"],
  });
  assert.deepEqual((fifth as { command?: unknown }).command, {
    name: "auth",
    args: ["bot", "***"],
  });
  assert.deepEqual((third as { command?: unknown }).command, {
    name: "get",
    args: "(1 argument, not shown)",
  });
});

Deno.test("RedisConnectError: a cause's command without a string name has its arguments counted, not shown", () => {
  const cause = failed({ name: undefined, args: ["AUTH", "secret"] });
  const error = new RedisConnectError("redis://127.0.0.1:6379", { cause });
  assert.ok(!Deno.inspect(error, { depth: 20 }).includes("secret"));
  assert.deepEqual((cause as { command?: unknown }).command, {
    name: undefined,
    args: "(2 arguments, not shown)",
  });
});

Deno.test("RedisConnectError: its message ends the cause's with one period, and gives the advice for a refused password in either Redis's words", () => {
  const message = (url: string, cause: string) =>
    new RedisConnectError(url, { cause: new Error(cause) }).message;
  assert.equal(
    message("redis://127.0.0.1:6379", "connect ECONNREFUSED 127.0.0.1:6379."),
    "Cannot connect to Redis at redis://127.0.0.1:6379: connect ECONNREFUSED 127.0.0.1:6379. Is the server running, and is the URL right?",
  );
  // Redis before 6 says "invalid password"; 6 and later, WRONGPASS.
  for (
    const reason of [
      "ERR invalid password",
      "WRONGPASS invalid username-password pair or user is disabled.",
    ]
  ) {
    assert.match(
      message("redis://:hunter2@127.0.0.1:6379", reason),
      /^Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:6379: .*[^.]\. The server refused the password given\.$/,
    );
  }
});
