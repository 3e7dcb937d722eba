/**
 * The gateway's numbers as Discord documents them: the intent bits (and
 * which are privileged), the opcodes and the close codes, checked against
 * discord-api-types (npm, 0.38.57) as an oracle, and the intent helpers.
 */
import {
  GatewayCloseCodes,
  GatewayIntentBits,
  GatewayOpcodes,
} from "discord-api-types/v10";
import assert from "node:assert/strict";
import { GatewayCloseCode } from "../../types/close_codes.ts";
import {
  ALL_INTENTS,
  GatewayIntent,
  intentNames,
  isValidIntents,
  NON_PRIVILEGED_INTENTS,
  PRIVILEGED_INTENTS,
} from "../../types/intents.ts";
import { GatewayOpcode } from "../../types/opcodes.ts";

/** An enum's numeric members, by name (a TS enum also maps value -> name). */
function numericMembers(e: object): Map<string, number> {
  return new Map(
    Object.entries(e).filter((entry): entry is [string, number] =>
      typeof entry[1] === "number"
    ),
  );
}

/** The same names (case aside) with the same values. */
function assertSameTable(
  ours: Readonly<Record<string, number>>,
  oracle: Map<string, number>,
): void {
  const byLower = new Map(
    [...oracle].map(([name, value]) => [name.toLowerCase(), value]),
  );
  for (const [name, value] of Object.entries(ours)) {
    assert.equal(value, byLower.get(name.toLowerCase()), name);
  }
  assert.deepEqual(
    new Set(Object.values(ours)),
    new Set(oracle.values()),
    "the same values, none missing",
  );
}

Deno.test("every intent has Discord's documented bit, and none is missing", () => {
  assertSameTable(GatewayIntent, numericMembers(GatewayIntentBits));
  assert.equal(
    ALL_INTENTS,
    [...numericMembers(GatewayIntentBits).values()]
      .reduce((all, bit) => all | bit, 0),
  );
});

Deno.test("the privileged intents are GuildMembers, GuildPresences and MessageContent", () => {
  assert.equal(
    PRIVILEGED_INTENTS,
    GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences |
      GatewayIntentBits.MessageContent,
  );
  assert.deepEqual(intentNames(PRIVILEGED_INTENTS), [
    "GuildMembers",
    "GuildPresences",
    "MessageContent",
  ]);
  assert.equal(NON_PRIVILEGED_INTENTS & PRIVILEGED_INTENTS, 0);
  assert.equal(NON_PRIVILEGED_INTENTS | PRIVILEGED_INTENTS, ALL_INTENTS);
});

Deno.test("every opcode and close code has Discord's documented value", () => {
  assertSameTable(GatewayOpcode, numericMembers(GatewayOpcodes));
  assertSameTable(GatewayCloseCode, numericMembers(GatewayCloseCodes));
});

Deno.test("isValidIntents accepts documented bits only, as a non-negative integer", () => {
  for (const ok of [0, GatewayIntent.Guilds, ALL_INTENTS, PRIVILEGED_INTENTS]) {
    assert.equal(isValidIntents(ok), true, String(ok));
  }
  for (
    const bad of [
      -1,
      1.5,
      Number.NaN,
      1 << 17,
      ALL_INTENTS + (1 << 17),
      2 ** 32,
    ]
  ) {
    assert.equal(isValidIntents(bad), false, String(bad));
  }
});

Deno.test("intentNames names each documented bit set, lowest first", () => {
  assert.deepEqual(intentNames(0), []);
  assert.deepEqual(
    intentNames(ALL_INTENTS),
    Object.keys(GatewayIntent),
  );
  assert.deepEqual(
    intentNames(
      GatewayIntent.DirectMessagePolls | GatewayIntent.Guilds | (1 << 17),
    ),
    ["Guilds", "DirectMessagePolls"],
  );
});
