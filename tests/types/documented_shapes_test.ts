// Shapes Discord's docs give, as the types take them: each failed to
// type-check before its type was corrected (`deno test` type-checks).
import assert from "node:assert/strict";
import type {
  GuildMembersChunkDispatch,
  ResolvedChannel,
} from "../../types/mod.ts";

Deno.test("a resolved channel takes every field Discord's Resolved Data Structure lists, app_permissions included", () => {
  const channel: ResolvedChannel = {
    id: "41771983423143937",
    name: "general",
    type: 0,
    permissions: "2248473465835073",
    app_permissions: "2248473465835073",
    last_message_id: null,
    last_pin_timestamp: null,
    nsfw: false,
    parent_id: "399942396007890945",
    guild_id: "41771983423143937",
    flags: 0,
    rate_limit_per_user: 0,
    topic: null,
    position: 6,
  };
  assert.equal(channel.app_permissions, channel.permissions);
});

Deno.test("a members chunk's not_found may hold numbers: an ID too small for a snowflake comes back as one", () => {
  const chunk: GuildMembersChunkDispatch = {
    guild_id: "308994132968210433",
    members: [],
    chunk_index: 0,
    chunk_count: 1,
    not_found: [123123],
  };
  assert.deepEqual(chunk.not_found, [123123]);
});
