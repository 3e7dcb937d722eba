// A Redis URL refused for its scheme was echoed with its password when the
// `://` was missing or mistyped, and a misspelled `password` parameter
// (`passwrd`) was echoed by the unknown-parameter refusal.
import assert from "node:assert/strict";
import { connectRedis, redactRedisUrl } from "../../redis/mod.ts";

const SECRET = "redisPASSWORDsecret_123";

/** The message connectRedis refuses `url` with (before any connection). */
async function refusal(url: string): Promise<string> {
  const error = await connectRedis({ url, connectTimeout: 1_000 }).then(
    () => undefined,
    (rejected) => rejected,
  );
  assert.ok(error instanceof TypeError, `${url}: ${error}`);
  return error.message;
}

Deno.test("connectRedis: a URL without its scheme's '//' is refused without its password", async () => {
  for (
    const url of [
      `default:${SECRET}@127.0.0.1:9`,
      `:${SECRET}@127.0.0.1:9/0`,
      `redis:/default:${SECRET}@127.0.0.1:9`,
      `redis:default:${SECRET}@127.0.0.1:9`,
      `redis//default:${SECRET}@127.0.0.1:9`,
      `redis:\\\\default:${SECRET}@127.0.0.1:9`,
    ]
  ) {
    const message = await refusal(url);
    assert.ok(!message.includes(SECRET), message);
    assert.match(message, /'url' must start with redis:\/\/ or rediss:\/\//);
    assert.match(message, /\*\*\*@127\.0\.0\.1:9/);
    assert.equal(redactRedisUrl(url).includes(SECRET), false, url);
  }
});

Deno.test("connectRedis: a misspelled password parameter is refused without its value", async () => {
  for (const name of ["passwrd", "pasword", "pass+word"]) {
    const message = await refusal(
      `redis://127.0.0.1:9/0?db=1&${name}=${SECRET}&family=4`,
    );
    assert.ok(!message.includes(SECRET), message);
    assert.match(message, new RegExp(`not '${name.replace("+", " ")}'`));
    // The values that are no secret still help.
    assert.match(message, /\?db=1&.*=\*\*\*&family=4'/);
  }
});

Deno.test("redactRedisUrl: a password parameter holding an '@' is hidden whole", () => {
  const redacted = redactRedisUrl(
    "redis://127.0.0.1:6379/0?password=hunter@2secretTail",
  );
  assert.equal(redacted, "redis://127.0.0.1:6379/0?password=***");
});

Deno.test("connectRedis: a misspelled password parameter holding an '@' is refused without any of its value", async () => {
  for (
    const url of [
      "redis://h:6379/?passwrd=se@cret",
      "redis://u:pw@h:6379/?passwrd=se@cret",
    ]
  ) {
    const error = await connectRedis({ url }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(error instanceof TypeError, String(error));
    assert.ok(!error.message.includes("cret"), error.message);
    // Its parameter named by the reason; the URL hidden after its scheme
    // (the '@' may be the user info's or the value's).
    assert.ok(error.message.includes("not 'passwrd'"), error.message);
    assert.ok(error.message.endsWith("'url=redis://***'"), error.message);
  }
});

Deno.test("a password parameter holding an '&' or a '#' is hidden to its end, and the parameter it seems to end in is not named", async () => {
  const [head, tail] = ["Hun7er", "Tail9secret"];
  for (
    const url of [
      `redis://127.0.0.1:9/0?password=${head}&${tail}`,
      `redis://127.0.0.1:9/0?password=${head}&${tail}=x`,
      `redis://127.0.0.1:9/0?passwrd=${head}#${tail}`,
      `redis://u:${head}&password=${tail}@127.0.0.1:9/x`,
    ]
  ) {
    const message = await refusal(url);
    assert.ok(!message.includes(head), message);
    assert.ok(!message.includes(tail), message);
  }
  for (
    const url of [
      `redis://127.0.0.1:9/0?password=${head}#${tail}`,
      `redis://127.0.0.1:9/0?password=${head}&${tail}&db=1`,
      `redis://u:${head}&password=${tail}@127.0.0.1:9/0`,
    ]
  ) {
    const shown = redactRedisUrl(url);
    assert.ok(!shown.includes(head) && !shown.includes(tail), shown);
  }
  // What is no secret after it still shows.
  assert.equal(
    redactRedisUrl("redis://h:1/0?password=a&b&family=4"),
    "redis://h:1/0?password=***&***&family=4",
  );
});

Deno.test("connectRedis: a parameter after a username parameter is refused without its name (it may be the username's tail, holding an '&')", async () => {
  const tail = "bitOfTheUserName";
  const message = await refusal(
    `redis://127.0.0.1:9/0?username=bot&${tail}=1&password=${SECRET}`,
  );
  assert.ok(!message.includes(tail), message);
  assert.ok(!message.includes(SECRET), message);
  assert.match(message, /one follows the password or user name/);
});
