/**
 * The REST client.
 *
 * @module
 */
export {};
