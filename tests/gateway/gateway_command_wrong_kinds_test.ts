// Gateway command builders' errors for values of the wrong kind that
// mutation testing found unpinned beside tests/gateway/gateway_commands_test.ts
// (full at 800 lines): a query that is no string named as the query, a
// user_ids of null beside a query refused, and a function shown as such.
import assert from "node:assert/strict";
import {
  requestGuildMembersCommand,
  updatePresenceCommand,
} from "../../gateway/gateway_commands.ts";
import type { UpdatePresenceData } from "../../types/gateway_payloads.ts";

const GUILD = "197038439483310086";

/** Call a builder with data the types would refuse. */
function loose<T>(value: unknown): T {
  return value as T;
}

const presence: UpdatePresenceData = {
  since: null,
  activities: [],
  status: "online",
  afk: false,
};

Deno.test("requestGuildMembersCommand names a query of the wrong type and refuses user_ids null beside a query, and an error shows a function as such", () => {
  assert.throws(
    () =>
      requestGuildMembersCommand(
        loose({ guild_id: GUILD, query: 5, limit: 0 }),
      ),
    {
      name: "TypeError",
      message:
        "Cannot build Request Guild Members as 'query' must be a string: current value 'query=5'",
    },
  );
  assert.throws(
    () =>
      requestGuildMembersCommand(
        loose({ guild_id: GUILD, query: "", limit: 0, user_ids: null }),
      ),
    { name: "TypeError", message: /exactly one of 'query' and 'user_ids'/ },
  );
  assert.throws(
    () => updatePresenceCommand(loose({ ...presence, afk: () => true })),
    {
      name: "TypeError",
      message:
        "Cannot build Update Presence as 'afk' must be a boolean: current value 'afk=function'",
    },
  );
});
