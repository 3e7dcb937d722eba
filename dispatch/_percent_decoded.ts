/**
 * {@linkcode percentDecoded}: `RABBIT_USERNAME` and `RABBIT_PASSWORD` as
 * twilight-dispatch read them. It put them in its AMQP URL unescaped and its
 * client percent-decoded them, so operators wrote a password holding
 * `@ / # ?` percent-encoded in `.env` (`p%40ss`); taken literally, that
 * login is refused after a migration.
 *
 * @module
 */

/** A run of `%XX` sequences: the bytes of one or more characters. */
const ENCODED_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/** Decodes UTF-8 strictly: a run that is no text is left as written. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decode each valid `%XX` sequence of `value`, as twilight-dispatch's AMQP
 * client did. A `%` not followed by two hex digits is kept as is, and so is
 * a run of sequences whose bytes are not UTF-8 text.
 *
 * @param value A credential as the operator wrote it.
 * @returns The credential itself.
 *
 * @example A password written for twilight-dispatch
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentDecoded } from "./_percent_decoded.ts";
 *
 * assert.equal(percentDecoded("p%40ss%2Fw%23rd"), "p@ss/w#rd");
 * assert.equal(percentDecoded("100%"), "100%");
 * ```
 */
export function percentDecoded(value: string): string {
  return value.replace(ENCODED_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    }
    try {
      return utf8.decode(bytes);
    } catch {
      return run;
    }
  });
}
