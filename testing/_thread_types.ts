/**
 * The channel types of a thread, for the fakes' channel rules.
 *
 * @module
 */

/** Announcement (10), public (11) and private (12) threads. */
export const THREAD_TYPES: ReadonlySet<number> = new Set([10, 11, 12]);
