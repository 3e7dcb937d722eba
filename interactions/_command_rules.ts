/**
 * Discord's rules on the enumerated and bit-set fields of a command
 * definition, checked when it is built so a wrong value fails with a
 * message naming the field instead of a 50035 "Invalid Form Body" at sync
 * (or, for a type Discord does not know, a field it silently drops).
 * Internal to the package.
 *
 * @module
 */
import { ChannelType } from "../types/objects/channel.ts";
import { parsePermissions, type PermissionSet } from "../types/permissions.ts";

/** The documented channel types (channel docs, "Channel Types"). */
const CHANNEL_TYPES: readonly number[] = Object.values(ChannelType);

/** `GUILD` 0, `BOT_DM` 1, `PRIVATE_CHANNEL` 2 ("Interaction Context Types"). */
const CONTEXTS: readonly number[] = [0, 1, 2];

/** `GUILD_INSTALL` 0, `USER_INSTALL` 1 ("Application Integration Types"). */
const INTEGRATION_TYPES: readonly number[] = [0, 1];

const shown = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(value)
    : typeof value === "bigint"
    ? `${value}n`
    : String(value);

/**
 * Check a list field whose entries are one of `allowed` (absent or `null`
 * is fine).
 *
 * @param what Who is being defined, for the message.
 * @param field The field's name, as the user writes it.
 * @param list The value.
 * @param allowed The documented values.
 * @param names What they are, for the message.
 * @throws {TypeError} When it is not an array.
 * @throws {RangeError} When an entry is not one of `allowed`.
 */
function checkEnumList(
  what: string,
  field: string,
  list: unknown,
  allowed: readonly number[],
  names: string,
): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    throw new TypeError(
      `Cannot define ${what} as '${field}' must be an array of ${names}: current value '${field}=${
        shown(list)
      }'`,
    );
  }
  for (const entry of list) {
    if (!allowed.includes(entry)) {
      throw new RangeError(
        `Cannot define ${what} as '${field}' must hold only ${names} (${
          allowed.join(", ")
        }): current entry '${shown(entry)}'`,
      );
    }
  }
}

/**
 * Check a channel option's (or a channel select's) `channelTypes`:
 * documented channel types only.
 *
 * @param types The value.
 * @param what Who is being defined, for the message.
 * @throws {TypeError} When it is not an array.
 * @throws {RangeError} When an entry is not a `ChannelType` value.
 */
export function checkChannelTypes(types: unknown, what = "option"): void {
  checkEnumList(
    what,
    "channelTypes",
    types,
    CHANNEL_TYPES,
    "channel types (ChannelType)",
  );
}

/** Discord's most file types an attachment option filters for. */
const MAX_FILE_TYPES = 10;

/**
 * Whether `entry` is a file type Discord filters for: `image`, `video`,
 * `audio` or a dot-prefixed extension (`.pdf`: one extension, with no
 * further dot, space or slash). The one rule for attachment options and
 * file upload components, so neither takes what the other refuses.
 *
 * @param entry The value.
 * @returns Whether it is a file type.
 */
export function isFileType(entry: unknown): boolean {
  return typeof entry === "string" &&
    /^(?:image|video|audio|\.[^\s./\\]+)$/.test(entry);
}

/**
 * Check an attachment option's `fileTypes`: at most 10 of `image`,
 * `video`, `audio` or a dot-prefixed extension (`.pdf`), as Discord's
 * file type filtering takes.
 *
 * @param types The value (`undefined` or `null`: none).
 * @throws {TypeError} When it is not an array of strings.
 * @throws {RangeError} When it has more than 10 entries, or one that is
 * none of those.
 */
export function checkFileTypes(types: unknown): void {
  // null is unset, as in a fetched command's shape (as for localizations).
  if (types === undefined || types === null) return;
  if (!Array.isArray(types)) {
    throw new TypeError(
      `Cannot define option as 'fileTypes' must be an array of file types: current type '${typeof types}'`,
    );
  }
  if (types.length > MAX_FILE_TYPES) {
    throw new RangeError(
      `Cannot define option as 'fileTypes' must have at most ${MAX_FILE_TYPES} entries: current length '${types.length}'`,
    );
  }
  for (const entry of types) {
    if (typeof entry !== "string") {
      throw new TypeError(
        `Cannot define option as 'fileTypes' entries must be strings: current entry type '${typeof entry}'`,
      );
    }
    if (!isFileType(entry)) {
      throw new RangeError(
        `Cannot define option as 'fileTypes' entries must be image, video, audio or a dot-prefixed extension such as .pdf: current entry '${
          entry.slice(0, 50)
        }'`,
      );
    }
  }
}

/** The command fields {@linkcode checkCommandFields} looks at. */
export interface CheckedCommandFields {
  /** A permission bit set. */
  defaultMemberPermissions?: unknown;
  /** Interaction context types. */
  contexts?: unknown;
  /** Application integration types. */
  integrationTypes?: unknown;
  /** Whether the command is age-restricted. */
  nsfw?: unknown;
}

/**
 * Check a command's `defaultMemberPermissions` (a bit set: a bigint or a
 * safe integer >= 0, or a string of decimal digits, as Discord serializes
 * permissions; `null` is fine), `contexts` (0 guild, 1 bot DM, 2 private
 * channel), `integrationTypes` (0 guild install, 1 user install) and
 * `nsfw` (a boolean).
 *
 * @param what Who is being defined, for the message.
 * @param options The fields.
 * @throws {TypeError} When a field has the wrong type (`nsfw` not a
 * boolean among them), or the permissions string is not decimal digits.
 * @throws {RangeError} When the permissions are negative or fractional, or
 * a list holds an undocumented value.
 */
export function checkCommandFields(
  what: string,
  options: CheckedCommandFields,
): void {
  const permissions = options.defaultMemberPermissions;
  const rule =
    "a permission bit set (a bigint or integer >= 0, or a string of decimal digits)";
  const refuse = (type: RangeErrorConstructor | TypeErrorConstructor) =>
    new type(
      `Cannot define ${what} as 'defaultMemberPermissions' must be ${rule}: current value 'defaultMemberPermissions=${
        shown(permissions)
      }'`,
    );
  if (typeof permissions === "number") {
    if (!Number.isSafeInteger(permissions) || permissions < 0) {
      throw refuse(RangeError);
    }
  } else if (permissions !== undefined && permissions !== null) {
    try {
      parsePermissions(permissions as PermissionSet);
    } catch (error) {
      throw refuse(error instanceof RangeError ? RangeError : TypeError);
    }
  }
  checkEnumList(
    what,
    "contexts",
    options.contexts,
    CONTEXTS,
    "interaction context types",
  );
  checkEnumList(
    what,
    "integrationTypes",
    options.integrationTypes,
    INTEGRATION_TYPES,
    "integration types",
  );
  // Copied as given otherwise: "yes" would reach Discord (and the fake).
  const nsfw = options.nsfw;
  if (nsfw !== undefined && typeof nsfw !== "boolean") {
    throw new TypeError(
      `Cannot define ${what} as 'nsfw' must be a boolean: current value 'nsfw=${
        shown(nsfw)
      }'`,
    );
  }
}
