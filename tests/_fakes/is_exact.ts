/**
 * `true` when `A` and `B` are the same type (not merely assignable either
 * way), for compile-time checks in tests: `const ok: IsExact<A, B> = true`.
 */
export type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;
