/**
 * The routes' number, count and timeout checks read each field once and
 * send the value they checked: a getter (or a proxy) answering one value to
 * the check and another to the JSON or query writer was sent unchecked
 * (a `limit` of 5000, a ban deleting years of messages, a timeout a year
 * ahead, a repeated ID in a bulk delete).
 */
import assert from "node:assert/strict";
import * as api from "../../rest/mod.ts";
import type {
  AutoModerationRuleBody,
  ModifyGuildMemberBody,
} from "../../rest/mod.ts";
import { answering, API } from "./_answering_discord.ts";

const C = "100000000000000001";
const G = "100000000000000002";
const U = "100000000000000005";
const A = "100000000000000006";
const B = "100000000000000007";
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

/** An object whose `field` answers `first`, then `later` on every read. */
function shifting<T>(
  field: string,
  first: unknown,
  later: unknown,
  rest: Record<string, unknown> = {},
): { value: T; reads: () => number } {
  let reads = 0;
  const value = { ...rest };
  Object.defineProperty(value, field, {
    enumerable: true,
    get: (): unknown => reads++ === 0 ? first : later,
  });
  return { value: value as T, reads: () => reads };
}

Deno.test("a query's limit is read once: the limit checked is the one sent", async () => {
  const { rest, sent } = answering(() => Response.json([]));
  const query = shifting<{ limit: number }>("limit", 50, 5000);
  await api.getChannelMessages(rest, C, query.value);
  assert.equal(sent[0]!.url, `${API}/channels/${C}/messages?limit=50`);
  assert.equal(query.reads(), 1);
});

Deno.test("a body's number is read once: the value checked is the one sent", async () => {
  const { rest, sent } = answering(() => new Response(null, { status: 204 }));
  const body = shifting<{ delete_message_seconds: number }>(
    "delete_message_seconds",
    60,
    99_999_999,
  );
  await api.createGuildBan(rest, G, U, body.value);
  assert.deepEqual(sent[0]!.body, { delete_message_seconds: 60 });
  assert.equal(body.reads(), 1);
});

Deno.test("bulkDeleteMessages sends the list it counted and checked for repeats", async () => {
  const { rest, sent } = answering(() => new Response(null, { status: 204 }));
  const body = shifting<{ messages: string[] }>("messages", [A, B], [A, A]);
  await api.bulkDeleteMessages(rest, C, body.value);
  // A list whose entries change after the count: the entries read once.
  let reads = 0;
  const list = new Proxy([A, B], {
    get: (target, key, receiver): unknown =>
      key === "1" && reads++ > 0 ? A : Reflect.get(target, key, receiver),
  });
  await api.bulkDeleteMessages(rest, C, { messages: list });
  assert.deepEqual(sent.map((r) => r.body), [
    { messages: [A, B] },
    { messages: [A, B] },
  ]);
});

Deno.test("an auto moderation rule's nested numbers are read once: the values checked are sent", async () => {
  const { rest, sent } = answering(() => Response.json({}));
  const metadata = shifting<{ duration_seconds: number }>(
    "duration_seconds",
    60,
    99_999_999,
  );
  const trigger = shifting<{ mention_total_limit: number }>(
    "mention_total_limit",
    5,
    5000,
  );
  await api.createAutoModerationRule(rest, G, {
    name: "mentions",
    event_type: 1,
    trigger_type: 5,
    trigger_metadata: trigger.value,
    actions: [{ type: 2, metadata: metadata.value }],
  } as AutoModerationRuleBody);
  assert.deepEqual(sent[0]!.body, {
    name: "mentions",
    event_type: 1,
    trigger_type: 5,
    trigger_metadata: { mention_total_limit: 5 },
    actions: [{ type: 2, metadata: { duration_seconds: 60 } }],
  });
  assert.deepEqual([trigger.reads(), metadata.reads()], [1, 1]);
});

Deno.test("modifyGuildMember sends the timeout it checked against 28 days", async () => {
  const { rest, sent } = answering(() => Response.json({}));
  const week = new Date(NOW + 7 * DAY).toISOString();
  const body = shifting<ModifyGuildMemberBody>(
    "communication_disabled_until",
    week,
    new Date(NOW + 365 * DAY).toISOString(),
  );
  await api.modifyGuildMember(rest, G, U, body.value, { now: () => NOW });
  // A Date whose JSON is another time: the time checked is sent.
  class Lying extends Date {
    override toJSON(): string {
      return new Date(NOW + 365 * DAY).toISOString();
    }
  }
  await api.modifyGuildMember(rest, G, U, {
    communication_disabled_until: new Lying(NOW + 7 * DAY) as unknown as string,
  }, { now: () => NOW });
  assert.deepEqual(sent.map((r) => r.body), [
    { communication_disabled_until: week },
    { communication_disabled_until: week },
  ]);
  assert.equal(body.reads(), 1);
});

Deno.test("a body that is no plain object is checked and sent as JSON writes it", async () => {
  const { rest, sent } = answering(() => new Response(null, { status: 204 }));
  class Ban {
    constructor(readonly delete_message_seconds: number) {}
  }
  await api.createGuildBan(rest, G, U, new Ban(60));
  await assert.rejects(api.createGuildBan(rest, G, U, new Ban(604801)), {
    name: "RangeError",
  });
  assert.deepEqual(sent.map((r) => r.body), [{ delete_message_seconds: 60 }]);
});

Deno.test("modifyGuildIncidentActions sends the times it checked against 24 hours", async () => {
  const { rest, sent } = answering(() => Response.json({}));
  const hour = new Date(NOW + 3_600_000).toISOString();
  const body = shifting<api.ModifyGuildIncidentActionsBody>(
    "dms_disabled_until",
    hour,
    new Date(NOW + 365 * DAY).toISOString(),
    { invites_disabled_until: null },
  );
  await api.modifyGuildIncidentActions(rest, G, body.value, { now: () => NOW });
  assert.deepEqual(sent[0]!.body, {
    invites_disabled_until: null,
    dms_disabled_until: hour,
  });
  assert.equal(body.reads(), 1);
});
