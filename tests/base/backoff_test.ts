import assert from "node:assert/strict";
import { backoffDelay } from "../../base/backoff.ts";

const middle = (): number => 0.5;

Deno.test("backoffDelay follows the doubling schedule up to the cap", async (t) => {
  const rows: Array<[attempt: number, delay: number]> = [
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 16000],
    [6, 32000],
    [7, 60000],
    [8, 60000],
    [50, 60000],
    [2000, 60000], // 2 ** 1999 overflows to Infinity
  ];
  for (const [attempt, delay] of rows) {
    await t.step(`attempt ${attempt} -> ${delay} ms`, () => {
      assert.equal(backoffDelay(attempt, { random: middle }), delay);
    });
  }
});

Deno.test("backoffDelay with jitter 0 ignores random and never calls it", () => {
  let calls = 0;
  const random = (): number => {
    calls++;
    return 0;
  };
  assert.equal(backoffDelay(3, { jitter: 0, random }), 4000);
  assert.equal(calls, 0);
});

Deno.test("backoffDelay attempt 0 is 0 whatever the options", () => {
  assert.equal(backoffDelay(0, { min: 5000, max: 9000, random: () => 0 }), 0);
  assert.equal(backoffDelay(0), 0);
});

Deno.test("backoffDelay jitter stays within +-jitter of the base", async (t) => {
  const rows: Array<[attempt: number, low: number, high: number]> = [
    // base 1000: 750 is below min, so clamped to 1000
    [1, 1000, 1250],
    [2, 1500, 2500],
    [3, 3000, 5000],
    [6, 24000, 40000],
    // base 60000: 75000 is above max, so clamped to 60000
    [7, 45000, 60000],
  ];
  for (const [attempt, low, high] of rows) {
    await t.step(`attempt ${attempt} in [${low}, ${high}]`, () => {
      assert.equal(backoffDelay(attempt, { random: () => 0 }), low);
      // 0.999 is not exactly 1, so the high end is rounded
      const top = backoffDelay(attempt, { random: () => 0.999 });
      assert.ok(top <= high && top >= high - Math.ceil(high * 0.001), `${top}`);
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(attempt);
        assert.ok(delay >= low && delay <= high, `${delay}`);
        assert.ok(Number.isInteger(delay));
      }
    });
  }
});

Deno.test("backoffDelay exact jittered values", () => {
  // base 4000, jitter 0.25, random 0.75 -> 4000 * 1.125 = 4500
  assert.equal(backoffDelay(3, { random: () => 0.75 }), 4500);
  // base 4000, jitter 0.1, random 0.3 -> 4000 * 0.96 = 3840
  assert.equal(backoffDelay(3, { jitter: 0.1, random: () => 0.3 }), 3840);
  // rounding: base 1000 * 1.5 ** 2 = 2250, * (1 + 0.5 * (2 * 0.3337 - 1))
  assert.equal(
    backoffDelay(3, { factor: 1.5, jitter: 0.5, random: () => 0.3337 }),
    Math.round(2250 * (1 + 0.5 * (2 * 0.3337 - 1))),
  );
});

Deno.test("backoffDelay clamps to [min, max] and handles custom options", async (t) => {
  await t.step("jitter 1 with random 0 would be 0, clamped to min", () => {
    assert.equal(backoffDelay(1, { jitter: 1, random: () => 0 }), 1000);
    assert.equal(backoffDelay(5, { jitter: 1, random: () => 0 }), 1000);
  });
  await t.step("jitter 1 with random near 1 doubles, clamped to max", () => {
    assert.equal(backoffDelay(7, { jitter: 1, random: () => 0.999 }), 60000);
  });
  await t.step("min equal to max is constant", () => {
    for (const attempt of [1, 2, 10]) {
      assert.equal(
        backoffDelay(attempt, { min: 500, max: 500, random: () => 0 }),
        500,
      );
    }
  });
  await t.step("factor 1 is constant before jitter", () => {
    assert.equal(backoffDelay(9, { factor: 1, random: middle }), 1000);
  });
  await t.step("custom min, max and factor", () => {
    const options = { min: 100, max: 1000, factor: 3, random: middle };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelay(n, options)),
      [100, 300, 900, 1000, 1000],
    );
  });
  await t.step("a random outside [0, 1) is still clamped", () => {
    assert.equal(backoffDelay(3, { random: () => 100 }), 60000);
    assert.equal(backoffDelay(3, { random: () => -100 }), 1000);
    assert.equal(backoffDelay(3, { random: () => NaN }), 4000);
  });
});

Deno.test("backoffDelay rejects bad arguments with RangeError", async (t) => {
  const rows: Array<[name: string, run: () => unknown, message: string]> = [
    [
      "negative attempt",
      () => backoffDelay(-1),
      "Cannot compute backoff delay as 'attempt' must be a non-negative integer: current value 'attempt=-1'",
    ],
    [
      "fractional attempt",
      () => backoffDelay(1.5),
      "Cannot compute backoff delay as 'attempt' must be a non-negative integer: current value 'attempt=1.5'",
    ],
    [
      "NaN attempt",
      () => backoffDelay(NaN),
      "Cannot compute backoff delay as 'attempt' must be a non-negative integer: current value 'attempt=NaN'",
    ],
    [
      "min 0",
      () => backoffDelay(1, { min: 0 }),
      "Cannot compute backoff delay as 'min' must be a positive integer: current value 'min=0'",
    ],
    [
      "negative min",
      () => backoffDelay(1, { min: -5 }),
      "Cannot compute backoff delay as 'min' must be a positive integer: current value 'min=-5'",
    ],
    [
      "fractional min",
      () => backoffDelay(1, { min: 0.5 }),
      "Cannot compute backoff delay as 'min' must be a positive integer: current value 'min=0.5'",
    ],
    [
      "max below min",
      () => backoffDelay(1, { min: 2000, max: 1000 }),
      "Cannot compute backoff delay as 'max' must be an integer >= 'min': current values 'min=2000', 'max=1000'",
    ],
    [
      "infinite max",
      () => backoffDelay(1, { max: Infinity }),
      "Cannot compute backoff delay as 'max' must be an integer >= 'min': current values 'min=1000', 'max=Infinity'",
    ],
    [
      "factor below 1",
      () => backoffDelay(1, { factor: 0.5 }),
      "Cannot compute backoff delay as 'factor' must be a finite number >= 1: current value 'factor=0.5'",
    ],
    [
      "NaN factor",
      () => backoffDelay(1, { factor: NaN }),
      "Cannot compute backoff delay as 'factor' must be a finite number >= 1: current value 'factor=NaN'",
    ],
    [
      "negative jitter",
      () => backoffDelay(1, { jitter: -0.1 }),
      "Cannot compute backoff delay as 'jitter' must be between 0 and 1: current value 'jitter=-0.1'",
    ],
    [
      "jitter above 1",
      () => backoffDelay(1, { jitter: 1.5 }),
      "Cannot compute backoff delay as 'jitter' must be between 0 and 1: current value 'jitter=1.5'",
    ],
    [
      "NaN jitter",
      () => backoffDelay(1, { jitter: NaN }),
      "Cannot compute backoff delay as 'jitter' must be between 0 and 1: current value 'jitter=NaN'",
    ],
  ];
  for (const [name, run, message] of rows) {
    await t.step(name, () => {
      assert.throws(run, { name: "RangeError", message });
    });
  }
});

Deno.test("backoffDelay validates options even for attempt 0", () => {
  assert.throws(() => backoffDelay(0, { min: 0 }), RangeError);
});

Deno.test("backoffDelay with initial: the base of the first attempt, still clamped to [min, max]", () => {
  // Discord's "wait 1 to 5 s" after op 9: base 3 s, jitter 2/3, min 1 s.
  const invalidSession = { initial: 3000, min: 1000, jitter: 2 / 3 };
  assert.equal(backoffDelay(1, { ...invalidSession, random: () => 0 }), 1000);
  assert.equal(backoffDelay(1, { ...invalidSession, random: middle }), 3000);
  assert.equal(
    backoffDelay(1, { ...invalidSession, random: () => 0.99999 }),
    5000,
  );
  assert.equal(backoffDelay(2, { ...invalidSession, random: middle }), 6000);
  // REST's server-error retry: 10 ms doubling, capped at 30 s, no jitter.
  const rest = { initial: 10, min: 1, max: 30_000, jitter: 0 };
  assert.deepEqual(
    [1, 2, 3, 13].map((n) => backoffDelay(n, rest)),
    [10, 20, 40, 30_000],
  );
  assert.throws(
    () => backoffDelay(1, { initial: NaN }),
    {
      name: "RangeError",
      message:
        "Cannot compute backoff delay as 'initial' must be a finite number >= 0: current value 'initial=NaN'",
    },
  );
});

Deno.test("backoffDelay takes initial 0 (every delay is then min) and refuses a negative one", () => {
  const zero = { initial: 0, min: 250, jitter: 0 };
  assert.deepEqual([1, 2, 5].map((n) => backoffDelay(n, zero)), [
    250,
    250,
    250,
  ]);
  assert.throws(() => backoffDelay(1, { initial: -1 }), {
    name: "RangeError",
    message:
      "Cannot compute backoff delay as 'initial' must be a finite number >= 0: current value 'initial=-1'",
  });
});
