// Type-level pins for payload shapes Discord documents as looser (or
// stricter) than a first reading of its tables suggests: PRESENCE_UPDATE
// ("no fields are required"), received activity buttons (labels only),
// Request Guild Members (query needs limit; one of query and user_ids) and
// RATE_LIMITED (`meta` depends on `opcode`). Against the earlier types each
// `@ts-expect-error` is unused and each correct-code line is refused, so
// either kind of regression fails `deno check`.
import assert from "node:assert/strict";
import type { MemoryCache } from "../../cache/memory_store.ts";
import type { OldState } from "../../cache/old_state.ts";
import type {
  RateLimitedDispatch,
  RequestGuildMembersRateLimitMetadata,
} from "../../types/dispatch_payloads.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import type { RequestGuildMembersData } from "../../types/gateway_payloads.ts";
import type {
  Activity,
  AddedThreadMember,
  PresenceUpdate,
} from "../../types/objects/mod.ts";

/** `true` when `A` and `B` are the same type, otherwise `false`. */
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/** Compiles only when called with `true` as the type argument's value. */
function assertType<T extends true>(_expectTrue: T): void {}

// --- PRESENCE_UPDATE: only `user.id` (and the guild) is guaranteed ----------

type Presence = GatewayEventMap["PRESENCE_UPDATE"];

// The docs' warning: "expect any combination of fields".
const documentedPresence: Presence = { user: { id: "1" }, guild_id: "2" };
const documentedAddedMember: AddedThreadMember = {
  id: "3",
  user_id: "1",
  join_timestamp: "2024-01-01T00:00:00.000000+00:00",
  flags: 0,
  presence: { user: { id: "1" }, guild_id: "2" },
};

function playing(d: Presence): number {
  // @ts-expect-error activities may be absent
  return d.activities.length;
}
function status(d: Presence): string {
  // @ts-expect-error status may be absent
  return d.status.toUpperCase();
}
function platforms(d: Presence): string[] {
  // @ts-expect-error client_status may be absent
  return Object.keys(d.client_status);
}
function addedPlaying(d: GatewayEventMap["THREAD_MEMBERS_UPDATE"]): number {
  // @ts-expect-error the added member's presence is a PRESENCE_UPDATE one
  return d.added_members?.[0]?.presence?.activities.length ?? 0;
}
function cachedStatus(cache: MemoryCache): string | undefined {
  // @ts-expect-error a cached presence keeps only the fields that were sent
  return cache.presence("2", "1")?.status.toUpperCase();
}
function oldStatus(old: OldState<"PRESENCE_UPDATE">): string | undefined {
  // @ts-expect-error the presence before the update may lack a status too
  return old?.status.toUpperCase();
}

assertType<IsExact<Presence, PresenceUpdate>>(true);
assertType<IsExact<Presence["user"]["id"], string>>(true);
assertType<IsExact<Presence["guild_id"], string>>(true);
assertType<IsExact<Presence["activities"], Activity[] | undefined>>(true);
assertType<
  IsExact<ReturnType<MemoryCache["presence"]>, PresenceUpdate | undefined>
>(true);

// --- Received activity buttons: labels only ---------------------------------

function buttonLabels(activity: Activity): string[] {
  // Compiles only when every received button is a string.
  return (activity.buttons ?? []).map((label) => label.toUpperCase());
}
const sentShapeButtons: Activity = {
  name: "chess",
  type: 0,
  created_at: 1,
  // @ts-expect-error the gateway sends labels, not {label, url} objects
  buttons: [{ label: "Watch", url: "https://example.com" }],
};
assertType<IsExact<Activity["buttons"], string[] | undefined>>(true);

// --- Request Guild Members: query with limit, or user_ids -------------------

// @ts-expect-error one of query and user_ids is required
const neither: RequestGuildMembersData = { guild_id: "1" };
// @ts-expect-error limit is required with query
const queryWithoutLimit: RequestGuildMembersData = { guild_id: "1", query: "" };
// @ts-expect-error not both query and user_ids
const both: RequestGuildMembersData = {
  guild_id: "1",
  query: "",
  limit: 0,
  user_ids: ["2"],
};
const validRequests: RequestGuildMembersData[] = [
  { guild_id: "1", query: "", limit: 0 },
  { guild_id: "1", query: "ab", limit: 10, presences: true, nonce: "n" },
  { guild_id: "1", user_ids: "2" },
  { guild_id: "1", user_ids: ["2", "3"], limit: 2, presences: false },
];
function queryLimit(data: RequestGuildMembersData): number | undefined {
  // Compiles only when a request with a query is known to have a limit.
  if (data.query !== undefined) return data.limit + 0;
  return undefined;
}

// --- RATE_LIMITED: `meta` depends on `opcode` -------------------------------

function rateLimitedGuild(d: RateLimitedDispatch): string {
  // @ts-expect-error only opcode 8's meta is documented to carry a guild_id
  return d.opcode === 31 ? d.meta.guild_id : "";
}
function requestGuild(d: RateLimitedDispatch): string | undefined {
  return d.opcode === 8 ? d.meta.guild_id : undefined;
}
// An opcode other than 8 with metadata of its own.
const otherOpcode: RateLimitedDispatch = {
  opcode: 31,
  retry_after: 1.5,
  meta: { guild_ids: ["1"] },
};
assertType<
  IsExact<
    Extract<RateLimitedDispatch, { opcode: 8 }>["meta"],
    RequestGuildMembersRateLimitMetadata
  >
>(true);
assertType<IsExact<RateLimitedDispatch["retry_after"], number>>(true);

Deno.test("Code written against the types reads a documented partial presence safely", () => {
  const readers = { playing, status, platforms, addedPlaying };
  assert.ok(readers);
  const payload: Presence = JSON.parse('{"user":{"id":"1"},"guild_id":"2"}');
  assert.deepEqual(payload, documentedPresence);
  assert.equal(payload.activities?.length ?? 0, 0);
  assert.equal(payload.status ?? "offline", "offline");
  assert.equal(documentedAddedMember.presence?.activities, undefined);
  assert.ok([cachedStatus, oldStatus, sentShapeButtons].length);
});

Deno.test("Received buttons are read as labels; member requests and RATE_LIMITED narrow", () => {
  assert.deepEqual(
    buttonLabels({ name: "a", type: 0, created_at: 1, buttons: ["Watch"] }),
    ["WATCH"],
  );
  assert.ok([neither, queryWithoutLimit, both].length);
  assert.deepEqual(validRequests.map(queryLimit), [
    0,
    10,
    undefined,
    undefined,
  ]);
  assert.equal(
    requestGuild({ opcode: 8, retry_after: 1, meta: { guild_id: "5" } }),
    "5",
  );
  assert.equal(requestGuild(otherOpcode), undefined);
  assert.equal(rateLimitedGuild(otherOpcode), undefined);
});
