/**
 * How FakeRest stores and lists a command's localizations, as Discord's
 * "Retrieving localized commands" describes it: on a write, localized
 * values identical to the default are dropped, and so are the read-only
 * `name_localized` / `description_localized`; a list GET with
 * `with_localizations=true` gives the maps, without it the maps are left
 * out and each field gets the `*_localized` text of the requester's locale
 * (`X-Discord-Locale`, then `Accept-Language`) when its map has that
 * locale, none otherwise. Internal to the testing kit.
 *
 * @module
 */

/** Each localization map and the read-only field a list GET puts in its place. */
const FIELDS: readonly (readonly [map: string, localized: string])[] = [
  ["name_localizations", "name_localized"],
  ["description_localizations", "description_localized"],
];

/**
 * A command (or option, or choice) as Discord stores it, at every depth:
 * localized values identical to the default dropped ("Any localized values
 * that are identical to the default will be ignored"), and the read-only
 * `*_localized` fields dropped.
 *
 * @param value The command as written.
 * @returns A copy as stored.
 */
export function storedLocalizations<T>(value: T): T {
  if (Array.isArray(value)) return value.map(storedLocalizations) as T;
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(source)) {
    if (FIELDS.some(([, localized]) => localized === key)) continue;
    const base = key === "name_localizations"
      ? source.name
      : key === "description_localizations"
      ? source.description
      : undefined;
    if (base !== undefined && typeof field === "object" && field !== null) {
      out[key] = Object.fromEntries(
        Object.entries(field).filter(([, text]) => text !== base),
      );
    } else out[key] = storedLocalizations(field);
  }
  return out as T;
}

/**
 * A stored command (or option, or choice) as a list GET without
 * `with_localizations` gives it: no maps, and each map's text for
 * `locale` as its `*_localized` field, when it has one.
 *
 * @param value The stored command.
 * @param locale The requester's locale, if any.
 * @returns A copy as listed.
 */
export function listedLocalizations<T>(value: T, locale?: string): T {
  if (Array.isArray(value)) {
    return value.map((item) => listedLocalizations(item, locale)) as T;
  }
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const localized = FIELDS.find(([map]) => map === key)?.[1];
    if (localized === undefined) {
      out[key] = listedLocalizations(field, locale);
      continue;
    }
    const text = locale !== undefined && typeof field === "object" &&
        field !== null
      ? (field as Record<string, unknown>)[locale]
      : undefined;
    if (typeof text === "string") out[localized] = text;
  }
  return out as T;
}

/**
 * The requester's locale: `X-Discord-Locale`, else the first tag of
 * `Accept-Language` (a bot token has no user settings locale).
 *
 * @param headers The request headers, names lower case.
 * @returns The locale, or `undefined`.
 */
export function requestLocale(
  headers: Record<string, string>,
): string | undefined {
  const header = headers["x-discord-locale"]?.trim();
  if (header) return header;
  const first = headers["accept-language"]?.split(",")[0]?.split(";")[0]
    ?.trim();
  return first || undefined;
}
