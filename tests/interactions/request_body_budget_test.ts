// The endpoint's body budget: a share of it is kept for bodies of up to
// 64 KiB that the rest cannot take, and a body held there goes back to the
// rest once it grows past 64 KiB (or is refused).
import assert from "node:assert/strict";
import {
  BodyBudget,
  BodyBudgetSpent,
} from "../../interactions/_request_body.ts";

Deno.test("BodyBudget holds small bodies the shared part refuses in the kept eighth, never large ones", () => {
  const budget = new BodyBudget(800_000, 200_000);
  const large = Array.from({ length: 4 }, () => budget.lease());
  for (const lease of large) lease.take(150_000);
  // The shared 700,000 leave the oldest its 50,000: no large body fits.
  assert.throws(() => budget.lease().take(70_000), BodyBudgetSpent);
  const small = budget.lease();
  small.take(30_000);
  small.take(30_000);
  assert.equal(budget.held, 660_000);
  // Past 64 KiB it may only be held in the shared part, which is full.
  assert.throws(() => small.take(10_000), BodyBudgetSpent);
  small.release();
  assert.equal(budget.held, 600_000);
  for (const lease of large) lease.release();
  assert.equal(budget.held, 0);
});

Deno.test("BodyBudget moves a small body back to the shared part when it grows past 64 KiB there is room for", () => {
  const budget = new BodyBudget(800_000, 200_000);
  const large = Array.from({ length: 4 }, () => budget.lease());
  for (const lease of large) lease.take(150_000);
  const small = budget.lease();
  small.take(60_000);
  large[3]!.release();
  small.take(60_000);
  assert.equal(budget.held, 570_000);
  // It left the kept 100,000: with the shared part full again, they take
  // another small body of 64 KiB whole.
  budget.lease().take(80_000);
  const other = budget.lease();
  other.take(65_536);
  assert.equal(budget.held, 570_000 + 80_000 + 65_536);
});

Deno.test("BodyBudget keeps nothing when every body is small, or when a body of the largest size would not fit the rest", () => {
  // maxBodySize of 64 KiB: all 100,000 are shared, the oldest may reach it.
  const small = new BodyBudget(100_000, 65_536);
  small.lease().take(65_536);
  small.lease().take(34_464);
  assert.equal(small.held, 100_000);
  // Equal to maxBodySize: one body of that size still fits.
  const one = new BodyBudget(200_000, 200_000);
  one.lease().take(200_000);
  assert.equal(one.held, 200_000);
});
