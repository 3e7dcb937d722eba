/**
 * The component rules the fake REST API enforces the way Discord does:
 * a per-field `errors` tree for Discord's 50035 "Invalid Form Body".
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";

type Tree = Record<string, unknown>;

const fieldError = (code: string, message: string): Tree => ({
  _errors: [{ code, message }],
});

const required = (): Tree =>
  fieldError("BASE_TYPE_REQUIRED", "This field is required");

const tooLong = (max: number): Tree =>
  fieldError("BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);

const badLength = (min: number, max: number): Tree =>
  fieldError(
    "BASE_TYPE_BAD_LENGTH",
    `Must be between ${min} and ${max} in length.`,
  );

function asObject(value: unknown): Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Tree
    : {};
}

function put(tree: Tree, key: string, value: Tree | undefined): void {
  if (value !== undefined && Object.keys(value).length > 0) tree[key] = value;
}

const V2 = 1 << 15;

/**
 * Check a message's `components` against Discord's rules.
 *
 * @param components The components field.
 * @param flags The message flags.
 * @returns The errors tree for `components`, or `undefined` when valid.
 */
export function componentErrors(
  components: unknown,
  flags: number,
): Tree | undefined {
  if (components === undefined || components === null) return undefined;
  if (!Array.isArray(components)) {
    return fieldError(
      "LIST_TYPE_CONVERT",
      "Only iterables may be used in a ListType",
    );
  }
  const v2 = (flags & V2) !== 0;
  const tree: Tree = {};
  if (!v2 && components.length > 5) return tooLong(5);
  const customIds = new Set<string>();
  components.forEach((component, index) => {
    put(tree, String(index), componentError(component, v2, true, customIds));
  });
  return Object.keys(tree).length ? tree : undefined;
}

/**
 * Check a modal callback's data.
 *
 * @param data The callback data.
 * @returns The errors tree for `data`, or `undefined` when valid.
 */
export function modalErrors(data: Tree): Tree | undefined {
  const tree: Tree = {};
  if (typeof data.custom_id !== "string") put(tree, "custom_id", required());
  else if (data.custom_id === "" || textLength(data.custom_id) > 100) {
    put(tree, "custom_id", badLength(1, 100));
  }
  if (typeof data.title !== "string") put(tree, "title", required());
  else if (data.title === "" || textLength(data.title) > 45) {
    put(tree, "title", badLength(1, 45));
  }
  const components = data.components;
  if (!Array.isArray(components)) put(tree, "components", required());
  else if (components.length < 1 || components.length > 5) {
    put(tree, "components", badLength(1, 5));
  } else {
    const inner: Tree = {};
    const ids = new Set<string>();
    components.forEach((component, index) => {
      const c = asObject(component);
      if (c.type !== 18 && c.type !== 10 && c.type !== 1) {
        put(inner, String(index), {
          type: fieldError(
            "UNION_TYPE_CHOICES",
            'Value of field "type" must be one of (1, 10, 18).',
          ),
        });
        return;
      }
      put(inner, String(index), componentError(c, true, true, ids, true));
    });
    put(tree, "components", inner);
  }
  return Object.keys(tree).length ? tree : undefined;
}

function checkCustomId(tree: Tree, c: Tree, ids: Set<string>): void {
  if (typeof c.custom_id !== "string") {
    put(tree, "custom_id", required());
  } else if (c.custom_id === "" || textLength(c.custom_id) > 100) {
    put(tree, "custom_id", badLength(1, 100));
  } else if (ids.has(c.custom_id)) {
    put(
      tree,
      "custom_id",
      fieldError(
        "COMPONENT_CUSTOM_ID_DUPLICATED",
        "Component custom id cannot be duplicated",
      ),
    );
  } else ids.add(c.custom_id);
}

function componentError(
  component: unknown,
  v2: boolean,
  topLevel: boolean,
  ids: Set<string>,
  modal = false,
): Tree | undefined {
  const c = asObject(component);
  const tree: Tree = {};
  const type = c.type;
  if (typeof type !== "number") return { type: required() };
  if (topLevel && !modal && !v2 && type !== 1) {
    return {
      type: fieldError(
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        "Components other than action rows at the top level need the IS_COMPONENTS_V2 flag",
      ),
    };
  }
  const children = (key: string, min: number, max: number): unknown[] => {
    const list = c[key];
    if (!Array.isArray(list)) {
      put(tree, key, required());
      return [];
    }
    if (list.length < min || list.length > max) {
      put(tree, key, badLength(min, max));
      return [];
    }
    return list;
  };
  switch (type) {
    case 1: {
      const list = children("components", 1, 5);
      const inner: Tree = {};
      const selects = list.filter((x) => asObject(x).type !== 2).length;
      if (selects > 0 && list.length > 1) {
        put(
          tree,
          "components",
          fieldError(
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
          ),
        );
      }
      list.forEach((x, i) =>
        put(inner, String(i), componentError(x, v2, false, ids, modal))
      );
      put(tree, "components", inner);
      break;
    }
    case 2: {
      const style = c.style;
      if (typeof style !== "number") put(tree, "style", required());
      else if (style >= 1 && style <= 4) checkCustomId(tree, c, ids);
      else if (style === 5) {
        if (typeof c.url !== "string") put(tree, "url", required());
      } else if (style === 6) {
        if (typeof c.sku_id !== "string") put(tree, "sku_id", required());
      } else {
        put(
          tree,
          "style",
          fieldError(
            "BASE_TYPE_CHOICES",
            "Value must be one of {1, 2, 3, 4, 5, 6}.",
          ),
        );
      }
      if (typeof c.label === "string" && textLength(c.label) > 80) {
        put(tree, "label", tooLong(80));
      }
      if (style !== 6 && c.label === undefined && c.emoji === undefined) {
        put(tree, "label", required());
      }
      break;
    }
    case 3: {
      checkCustomId(tree, c, ids);
      children("options", 1, 25);
      break;
    }
    case 4: {
      checkCustomId(tree, c, ids);
      if (c.style !== 1 && c.style !== 2) put(tree, "style", required());
      break;
    }
    case 5:
    case 6:
    case 7:
    case 8:
    case 19:
    case 21:
    case 22:
    case 23:
      checkCustomId(tree, c, ids);
      break;
    case 9: {
      children("components", 1, 3);
      put(tree, "accessory", componentError(c.accessory, v2, false, ids));
      break;
    }
    case 10:
      if (typeof c.content !== "string") put(tree, "content", required());
      break;
    case 11:
      if (typeof asObject(c.media).url !== "string") {
        put(tree, "media", required());
      }
      break;
    case 12:
      children("items", 1, 10);
      break;
    case 13:
      if (!String(asObject(c.file).url ?? "").startsWith("attachment://")) {
        put(
          tree,
          "file",
          fieldError(
            "UNFURLED_MEDIA_ITEM_ATTACHMENT_ONLY",
            "Only attachment:// URLs are allowed",
          ),
        );
      }
      break;
    case 14:
      break;
    case 17: {
      const inner: Tree = {};
      children("components", 1, 40).forEach((x, i) =>
        put(inner, String(i), componentError(x, v2, false, ids))
      );
      put(tree, "components", inner);
      break;
    }
    case 18: {
      if (typeof c.label !== "string") put(tree, "label", required());
      else if (textLength(c.label) > 45) put(tree, "label", tooLong(45));
      put(tree, "component", componentError(c.component, v2, false, ids, true));
      break;
    }
    default:
      put(
        tree,
        "type",
        fieldError("UNION_TYPE_CHOICES", `Unknown component type ${type}`),
      );
  }
  return Object.keys(tree).length ? tree : undefined;
}
