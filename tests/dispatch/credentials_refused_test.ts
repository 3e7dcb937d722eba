// Wrong credentials are said as settings to fix, not as servers
// unreachable: a broker that refuses the publisher's login (403
// ACCESS_REFUSED) is an error on stderr with the hint naming the settings,
// once per streak; a Redis that wants a password gets the variable to set
// or check (against a real server: tests/redis/connection_password_test.ts).
// The service hands RABBIT_USERNAME/RABBIT_PASSWORD as the publisher's hint
// and REDIS_PASSWORD to redisPasswordHint.
import assert from "node:assert/strict";
import {
  isLoginRefused,
  redisPasswordHint,
} from "../../dispatch/credentials_refused.ts";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testAmqp } from "../_fakes/servers.ts";

const amqp = testAmqp();

Deno.test({
  name:
    "ConfirmedPublisher: a broker that refuses the login is said on stderr once per streak, with the hint and without the password",
  ignore: amqp.ignore,
}, async () => {
  const broker = new URL(amqp.url);
  const publisher = new ConfirmedPublisher({
    url:
      `amqp://${broker.username}:not-the-password-1f3e@${broker.hostname}:${broker.port}`,
    exchange: `test.login.${crypto.randomUUID()}`,
    capacity: 4,
    retryDelay: 20,
    loginHint: "set RABBIT_USERNAME and RABBIT_PASSWORD",
  });
  try {
    const first = await captureStderr(() => publisher.start());
    assert.equal(first.length, 1, first.join("\n"));
    assert.match(
      first[0]!,
      /^\[ERR\] disruption·dispatch·publisher: RabbitMQ refused the login \(.*ACCESS_REFUSED.*\): set RABBIT_USERNAME and RABBIT_PASSWORD;/,
    );
    assert.ok(!first[0]!.includes("not-the-password-1f3e"));
    assert.equal(publisher.connected, false);
  } finally {
    await publisher.close();
  }
});

Deno.test("isLoginRefused tells a refused login from an outage", () => {
  assert.ok(
    isLoginRefused(
      new Error(
        "connection closed: ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN (403)",
      ),
    ),
  );
  assert.ok(!isLoginRefused(new Error("connect ECONNREFUSED 127.0.0.1:5672")));
  assert.ok(!isLoginRefused("ACCESS_REFUSED"));
});

Deno.test("redisPasswordHint names the variable only for a password refused", () => {
  assert.equal(
    redisPasswordHint(new Error("NOAUTH Authentication required."), "X"),
    "Set X",
  );
  assert.equal(
    redisPasswordHint(new Error("connect ECONNREFUSED"), "REDIS_PASSWORD"),
    undefined,
  );
});

Deno.test("redisPasswordHint reads a wrong password in the error's causes, as Redis 6 and earlier servers say it", () => {
  const wrong = new Error(
    "WRONGPASS invalid username-password pair or user is disabled.",
  );
  assert.equal(
    redisPasswordHint(
      new Error("Redis connection setup failed", {
        cause: new Error("the HELLO was refused", { cause: wrong }),
      }),
      "REDIS_PASSWORD",
    ),
    "Check REDIS_PASSWORD",
  );
  // Redis before 6: "ERR invalid password".
  assert.equal(
    redisPasswordHint(new Error("ERR invalid password"), "REDIS_PASSWORD"),
    "Check REDIS_PASSWORD",
  );
});
