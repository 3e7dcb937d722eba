// A refused URL's query was masked before its user info: a `?` or an `&`
// in the password (or the user name) was taken for a query start, its
// masked value swallowed the `@`, and the refusal showed the start of the
// password (and hid the host). Now the user info ends at the last `@` and is
// hidden first, or, with a `?` or `#` before that `@`, all of the URL after
// its scheme is.
import assert from "node:assert/strict";
import { connectRedis } from "../../redis/mod.ts";

/** The URL connectRedis's refusal of `url` shows (before any connection). */
async function shownUrl(url: string): Promise<string> {
  const error = await connectRedis({ url, connectTimeout: 1_000 }).then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  assert.ok(error instanceof TypeError, `${url}: ${error}`);
  const shown = /current value 'url=(.*)'$/s.exec(error.message)?.[1];
  assert.ok(shown !== undefined, error.message);
  return shown;
}

Deno.test("connectRedis: a password holding a '?' or an '&' then a '=' is refused without any of it", async () => {
  for (
    const [url, shown] of [
      // Refused for its parameter `foo`.
      [
        "redis://bot:Ab&cd=Secret9@10.0.0.5:6379?foo=1",
        "redis://bot:***@10.0.0.5:6379?foo=***",
      ],
      // Refused for its database.
      [
        "redis://bot:Q1&w=e2&r=t3@10.0.0.5:6379/x",
        "redis://bot:***@10.0.0.5:6379/x",
      ],
      [
        "redis://bot:Q1&w=e2@10.0.0.5:6379/x?db=1&passwrd=Secret9",
        "redis://bot:***@10.0.0.5:6379/x?db=1&passwrd=***",
      ],
    ]
  ) {
    assert.equal(await shownUrl(url!), shown, url);
  }
});

Deno.test("connectRedis: an invalid URL whose password holds a '?' is refused without any of it", async () => {
  // The URL parser ends the host at the `?`: `Xy` is read as a port, and
  // `Secret9@10.0.0.5:6379` as the value of a (misspelled password?)
  // parameter. Either reading's secret is hidden.
  for (
    const url of [
      "redis://bot:Xy?k=Secret9@10.0.0.5:6379",
      "redis://bot:Xy?k=Secret9@10.0.0.5:6379/0?db=1",
    ]
  ) {
    const shown = await shownUrl(url);
    assert.equal(shown, "redis://***");
    for (const part of ["Xy", "k=", "Secret9"]) {
      assert.ok(!shown.includes(part), `${url} shown as ${shown}`);
    }
  }
});

Deno.test("connectRedis: a user name holding a '?' or an '&' then a '=' does not hide the host, nor show the password", async () => {
  for (
    const [url, shown] of [
      [
        "redis://b&o=t:Ab&cd=Secret9@10.0.0.5:6379?foo=1",
        "redis://b&o=t:***@10.0.0.5:6379?foo=***",
      ],
      [
        "redis://b&o=t:AbSecret9@10.0.0.5:6379/x",
        "redis://b&o=t:***@10.0.0.5:6379/x",
      ],
    ]
  ) {
    assert.equal(await shownUrl(url!), shown, url);
  }
  // `?o=t:…` may be a query (the URL parser reads it so): hidden whole.
  for (
    const url of [
      "redis://b?o=t:Ab&cd=Secret9@10.0.0.5:6379/x",
      "redis://b?o=t:AbSecret9@10.0.0.5:6379/x",
    ]
  ) {
    const shown = await shownUrl(url);
    assert.ok(!shown.includes("Ab"), `${url} shown as ${shown}`);
    assert.ok(!shown.includes("Secret9"), `${url} shown as ${shown}`);
  }
});

Deno.test("connectRedis: a query value holding an '@' is hidden whole however the user info is read", async () => {
  for (
    const url of [
      "redis://h:6379?passwrd=se@cret",
      "redis://u:pw@h:6379?passwrd=se@cret",
      "redis://bot@h:6379?passwrd=se@cret",
      "redis://bot@h:xx?passwrd=se@cret",
      "redis://u:pw@h:6379/0?db=1&passwrd=se@cret",
    ]
  ) {
    const shown = await shownUrl(url);
    for (const part of ["pw", "se", "cret"]) {
      assert.ok(!shown.includes(part), `${url} shown as ${shown}`);
    }
  }
});

Deno.test("connectRedis: a password holding a ':' is refused without any of it", async () => {
  // The user name ends at the first ':' of the user info: the password may
  // hold more, and none of it is shown.
  const shown = await shownUrl("redis://bot:Sec:ret9@10.0.0.5:6379/x");
  assert.equal(shown, "redis://bot:***@10.0.0.5:6379/x");
});
