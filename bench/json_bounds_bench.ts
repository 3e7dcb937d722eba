/**
 * The count of `parseBoundedJson` against `JSON.parse` on large
 * gateway frames, each measured in the same run: what the count adds to
 * every frame over `BOUNDS_COUNT_FROM` characters, and what the
 * string-aware scan adds to the rare frame the count puts over the bound.
 *
 * Run: `deno task bench:json-bounds`
 *
 * @module
 */
import {
  BOUNDS_COUNT_FROM,
  containersOver,
  MAX_JSON_OPENERS,
  openersOver,
} from "../base/json_bounds.ts";
import { guildCreate, member, memChannelId } from "./_cache_payloads.ts";
import { rng } from "./_stream.ts";

/** A GUILD_CREATE of 40 channels and `members` members, as received. */
function guildFrame(members: number): string {
  const random = rng(7);
  const channels = Array.from({ length: 40 }, (_, c) => memChannelId(1, c));
  const d = guildCreate(random, 1, "400000000000104729", channels) as Record<
    string,
    unknown
  >;
  d.members = Array.from({ length: members }, (_, m) => member(random, 1, m));
  const text = `{"t":"GUILD_CREATE","s":2,"op":0,"d":${JSON.stringify(d)}}`;
  // A flat string decoded from UTF-8, as the socket hands it over.
  return new TextDecoder().decode(new TextEncoder().encode(text));
}

const frames: [string, string][] = [
  ["GUILD_CREATE, 250 members", guildFrame(250)],
  ["GUILD_CREATE, 5,000 members", guildFrame(5_000)],
  ["GUILD_CREATE, 20,000 members", guildFrame(20_000)],
];

let sink = 0;
for (const [group, frame] of frames) {
  if (
    frame.length <= BOUNDS_COUNT_FROM ||
    openersOver(frame, MAX_JSON_OPENERS)
  ) {
    throw new Error(`${group}: not a frame the count passes`);
  }
  const size = `${(frame.length / 1024 / 1024).toFixed(2)} MiB`;
  Deno.bench({
    name: `JSON.parse (${size})`,
    group,
    baseline: true,
    fn() {
      sink += JSON.parse(frame).s;
    },
  });
  Deno.bench({
    name: "openersOver",
    group,
    fn() {
      sink += openersOver(frame, MAX_JSON_OPENERS) ? 0 : 1;
    },
  });
  Deno.bench({
    name: "containersOver (only past the count)",
    group,
    fn() {
      sink += containersOver(frame, MAX_JSON_OPENERS) ? 0 : 1;
    },
  });
}

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) throw new Error("unreachable");
});
