// Expiry of cached members and messages in Redis, in twilight-dispatch's
// form (`expiry_keys` holds each key's time as its expiry job writes it), so
// either program's sweep removes what the other wrote.

/** Seconds members and messages are kept, each optional. */
type Ttl = { members?: number; messages?: number };

/** `ttl` checked: each a positive, finite number of seconds, or absent. */
export function resolveTtl(
  ttl: Ttl | undefined,
): Ttl {
  if (ttl === undefined) return {};
  if (ttl === null || typeof ttl !== "object") {
    throw new TypeError(
      `Cannot create cache as 'ttl' must be an object of seconds: current value '${
        String(ttl)
      }'`,
    );
  }
  for (const name of ["members", "messages"] as const) {
    const seconds = ttl[name];
    if (
      seconds !== undefined &&
      !(typeof seconds === "number" && seconds > 0 && Number.isFinite(seconds))
    ) {
      throw new RangeError(
        `Cannot create cache as 'ttl.${name}' must be a positive number of seconds: current value '${
          String(seconds)
        }'`,
      );
    }
  }
  return ttl;
}

/**
 * An `expiry_keys` value as twilight-dispatch writes one (`expire_all` in
 * its src/cache.rs; `FormattedDateTime` in src/models.rs): a JSON string of
 * the UTC time, `"2024-05-01T12:00:00.123000000"`, no zone. Its expiry job
 * then sweeps this store's members and messages too, and this store's sweep
 * its entries.
 */
export function expiryTime(ms: number): string {
  return JSON.stringify(twilightTimestamp(ms));
}

/**
 * A time as twilight-dispatch writes it (`%FT%T.%N` in UTC, its
 * `FormattedDateTime`): `2024-05-01T12:00:00.123000000`. Also the dispatch
 * service's `gateway_started` and `last_ack`.
 */
export function twilightTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000000`;
}
