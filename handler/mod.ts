/**
 * Handlers and the client that runs them.
 *
 * @module
 */
export {};
