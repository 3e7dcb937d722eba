/**
 * Discord's locales: the keys a localization map (`nameLocalizations`,
 * `descriptionLocalizations`, a choice's `name_localizations`, a role
 * connection metadata record's `name_localizations`) may use, as listed in
 * the API reference ("Locales"). A table of the wire, under every layer:
 * `interactions/` checks commands with it, `rest/` the role connection
 * metadata records.
 *
 * @module
 */

/** Every locale Discord knows, in the order of its reference. */
export const LOCALES = [
  "id",
  "da",
  "de",
  "en-GB",
  "en-US",
  "es-ES",
  "es-419",
  "fr",
  "hr",
  "it",
  "lt",
  "hu",
  "nl",
  "no",
  "pl",
  "pt-BR",
  "ro",
  "fi",
  "sv-SE",
  "vi",
  "tr",
  "cs",
  "el",
  "bg",
  "ru",
  "uk",
  "hi",
  "th",
  "zh-CN",
  "ja",
  "zh-TW",
  "ko",
] as const;

/** One of Discord's locales (`"de"`, `"en-US"`, `"es-419"`, ...). */
export type Locale = typeof LOCALES[number];

const KNOWN: ReadonlySet<string> = new Set(LOCALES);

/**
 * Whether a string is one of Discord's locales, spelt as Discord spells it
 * (`"en-US"`, not `"en"` or `"en-us"`).
 *
 * @param value The string.
 * @returns Whether it is a locale.
 *
 * @example Usage
 * ```ts
 * import { isLocale } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isLocale("pt-BR"), true);
 * assert.equal(isLocale("en"), false);
 * ```
 */
export function isLocale(value: string): value is Locale {
  return KNOWN.has(value);
}
