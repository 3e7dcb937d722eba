/**
 * What a select's default values may name, and how many children a
 * container holds: the builders refuse, before sending, what Discord
 * answers with a 400 (50035).
 */
import assert from "node:assert/strict";
import {
  channelSelect,
  mentionableSelect,
  roleSelect,
  userSelect,
} from "../../interactions/components.ts";
import { container, textDisplay } from "../../interactions/components_v2.ts";
import { refused } from "./_refused.ts";

Deno.test("each auto select refuses, at compile and run time, defaults of a kind it does not list", () => {
  // discord-api-types PR #824: Discord refuses a default whose `type` the
  // select does not list (user select: users; role: roles; mentionable:
  // users and roles; channel: channels).
  refused(
    () =>
      userSelect({
        id: "u",
        // @ts-expect-error: a user select lists users only.
        defaults: [{ id: "1", type: "channel" }],
      }),
    TypeError,
    /Cannot build user select as 'defaults' may not hold a 'channel' default: it takes 'user' defaults/,
  );
  refused(
    () =>
      roleSelect({
        id: "r",
        // @ts-expect-error: a role select lists roles only.
        defaults: [{ id: "1", type: "user" }],
      }),
    TypeError,
    /role select .* 'user' default: it takes 'role' defaults/,
  );
  refused(
    () =>
      mentionableSelect({
        id: "m",
        max: 2,
        // @ts-expect-error: a mentionable select lists users and roles.
        defaults: [{ id: "1", type: "user" }, { id: "2", type: "channel" }],
      }),
    TypeError,
    /mentionable select .* 'channel' default: it takes 'user' or 'role' defaults/,
  );
  refused(
    () =>
      channelSelect({
        id: "c",
        // @ts-expect-error: a channel select lists channels only.
        defaults: [{ id: "1", type: "role" }],
      }),
    TypeError,
    /channel select .* 'role' default: it takes 'channel' defaults/,
  );
  // Plain JavaScript: a kind that is none of the three.
  refused(
    () =>
      userSelect({
        id: "u",
        defaults: [{ id: "1", type: "member" as never }],
      }),
    TypeError,
    /'member' default/,
  );
  // The kinds each select lists pass.
  assert.deepEqual(
    userSelect({ id: "u", defaults: [{ id: "1", type: "user" }] })
      .default_values,
    [{ id: "1", type: "user" }],
  );
  roleSelect({ id: "r", defaults: [{ id: "1", type: "role" }] });
  mentionableSelect({
    id: "m",
    max: 2,
    defaults: [{ id: "1", type: "user" }, { id: "2", type: "role" }],
  });
  channelSelect({ id: "c", defaults: [{ id: "1", type: "channel" }] });
});

Deno.test("a container holds 1 to 40 components", () => {
  // Discord (and the fake) refuse an empty container.
  refused(
    () => container([]),
    RangeError,
    /'components' must hold 1-40 items: current count '0'/,
  );
  refused(
    () => container(Array.from({ length: 41 }, () => textDisplay("x"))),
    RangeError,
    /'components' must hold 1-40 items: current count '41'/,
  );
  assert.equal(container([textDisplay("x")]).components.length, 1);
  container(Array.from({ length: 40 }, () => textDisplay("x")));
});
