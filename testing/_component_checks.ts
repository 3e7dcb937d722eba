/**
 * The component rules the fake REST API enforces the way Discord does, as a
 * per-field `errors` tree for Discord's 50035 "Invalid Form Body": where
 * each type may sit (the child-component tables of
 * `developers/components/reference.mdx`, kept in `_component_table.ts`),
 * how many a message holds (5 rows, or 40 components in all with
 * IS_COMPONENTS_V2), unique `custom_id`s and non-zero `id`s, and each
 * type's own fields (`_component_fields.ts`).
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import {
  KNOWN_TYPES,
  LIMITS,
  type Place,
  PLACES,
  SELECT_TYPES,
} from "./_component_table.ts";
import {
  accentFields,
  buttonFields,
  checkboxGroupFields,
  type FieldContext,
  fileUploadFields,
  labelFields,
  mediaFields,
  radioGroupFields,
  selectFields,
  separatorFields,
  textInputFields,
} from "./_component_fields.ts";
import {
  asObject,
  badLength,
  fieldError,
  orNothing,
  put,
  required,
  tooLong,
  type Tree,
} from "./_form_errors.ts";

const V2 = 1 << 15;

/** What one message's (or modal's) walk has seen so far. */
interface Walk {
  modal: boolean;
  customIds: Set<string>;
  ids: Set<number>;
  count: number;
}

/**
 * Check a message's `components` against Discord's rules.
 *
 * @param components The components field.
 * @param flags The message's flags as they will be (an edit's stored flags
 *   included: IS_COMPONENTS_V2 cannot be removed once set).
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
  if (!v2 && components.length > LIMITS.legacyTopLevel) {
    return tooLong(LIMITS.legacyTopLevel);
  }
  const walk = newWalk(false);
  const tree = children(components, v2 ? "v2Top" : "legacyTop", walk);
  if (tree === undefined && v2 && walk.count > LIMITS.v2Total) {
    return fieldError(
      "BASE_TYPE_MAX_LENGTH",
      `Must be ${LIMITS.v2Total} or fewer components in total (nested ones counted).`,
    );
  }
  return tree;
}

/**
 * Check a modal callback's data.
 *
 * @param data The callback data.
 * @returns The errors tree for `data`, or `undefined` when valid.
 */
export function modalErrors(data: Tree): Tree | undefined {
  const tree: Tree = {};
  textField(tree, data, "custom_id", LIMITS.customId);
  textField(tree, data, "title", 45);
  const components = data.components;
  if (!Array.isArray(components)) put(tree, "components", required());
  else if (
    components.length < 1 || components.length > LIMITS.modalComponents
  ) {
    put(tree, "components", badLength(1, LIMITS.modalComponents));
  } else {put(
      tree,
      "components",
      children(components, "modalTop", newWalk(true)),
    );}
  return orNothing(tree);
}

function newWalk(modal: boolean): Walk {
  return { modal, customIds: new Set(), ids: new Set(), count: 0 };
}

/** A required string of 1 to `max` characters. */
function textField(tree: Tree, c: Tree, key: string, max: number): void {
  const value = c[key];
  if (typeof value !== "string") put(tree, key, required());
  else if (value === "" || textLength(value) > max) {
    put(tree, key, badLength(1, max));
  }
}

/** Each item of a list, placed at `place`, as the list's errors tree. */
function children(
  list: readonly unknown[],
  place: Place,
  walk: Walk,
): Tree | undefined {
  const tree: Tree = {};
  list.forEach((component, index) =>
    put(tree, String(index), componentError(component, place, walk))
  );
  return orNothing(tree);
}

function checkCustomId(tree: Tree, c: Tree, walk: Walk): void {
  if (typeof c.custom_id !== "string") {
    put(tree, "custom_id", required());
  } else if (c.custom_id === "" || textLength(c.custom_id) > LIMITS.customId) {
    put(tree, "custom_id", badLength(1, LIMITS.customId));
  } else if (walk.customIds.has(c.custom_id)) {
    put(
      tree,
      "custom_id",
      fieldError(
        "COMPONENT_CUSTOM_ID_DUPLICATED",
        "Component custom id cannot be duplicated",
      ),
    );
  } else walk.customIds.add(c.custom_id);
}

/** "The `id` must be unique within the message"; `0` counts as empty. */
function checkId(tree: Tree, c: Tree, walk: Walk): void {
  if (c.id === undefined || c.id === null || c.id === 0) return;
  if (typeof c.id !== "number" || !Number.isInteger(c.id)) {
    put(tree, "id", fieldError("NUMBER_TYPE_COERCE", "Value is not int."));
  } else if (walk.ids.has(c.id)) {
    put(
      tree,
      "id",
      fieldError(
        "COMPONENT_ID_DUPLICATED",
        "Component id must be unique within the message",
      ),
    );
  } else walk.ids.add(c.id);
}

function misplaced(place: Place, type: number): Tree {
  if (place === "legacyTop") {
    return fieldError(
      "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
      "Components other than action rows at the top level need the IS_COMPONENTS_V2 flag",
    );
  }
  return fieldError(
    "UNION_TYPE_CHOICES",
    KNOWN_TYPES.has(type)
      ? `Value of field "type" must be one of (${
        [...PLACES[place]].join(", ")
      }).`
      : `Unknown component type ${type}`,
  );
}

/** A list field of `min`..`max` items, `[]` (and an error) otherwise. */
function listField(
  tree: Tree,
  c: Tree,
  key: string,
  min: number,
  max: number,
): unknown[] {
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
}

function componentError(
  component: unknown,
  place: Place,
  walk: Walk,
): Tree | undefined {
  const c = asObject(component);
  const type = c.type;
  if (typeof type !== "number") return { type: required() };
  walk.count++;
  const tree: Tree = {};
  checkId(tree, c, walk);
  if (!PLACES[place].has(type)) {
    put(tree, "type", misplaced(place, type));
    return tree;
  }
  const context: FieldContext = {
    modal: walk.modal,
    inLabel: place === "label",
  };
  const nested = (key: string, list: unknown[], at: Place): void =>
    put(tree, key, children(list, at, walk));
  switch (type) {
    case 1: {
      const list = listField(tree, c, "components", 1, LIMITS.rowButtons);
      const wide = walk.modal
        ? list.length > 1
        : list.some((x) => SELECT_TYPES.has(asObject(x).type as number)) &&
          list.length > 1;
      if (wide) {
        put(
          tree,
          "components",
          fieldError(
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
          ),
        );
      }
      nested("components", list, walk.modal ? "modalRow" : "row");
      break;
    }
    case 2:
      buttonFields(tree, c);
      if (typeof c.style === "number" && c.style >= 1 && c.style <= 4) {
        checkCustomId(tree, c, walk);
      }
      break;
    case 3:
    case 5:
    case 6:
    case 7:
    case 8:
      checkCustomId(tree, c, walk);
      selectFields(tree, c, context);
      break;
    case 4:
      checkCustomId(tree, c, walk);
      textInputFields(tree, c, context);
      break;
    case 9:
      nested(
        "components",
        listField(tree, c, "components", 1, LIMITS.sectionComponents),
        "sectionText",
      );
      if (c.accessory === undefined) put(tree, "accessory", required());
      else {put(
          tree,
          "accessory",
          componentError(c.accessory, "accessory", walk),
        );}
      break;
    case 10:
      if (typeof c.content !== "string") put(tree, "content", required());
      break;
    case 11:
      mediaFields(tree, c, "media");
      break;
    case 12: {
      const items: Tree = {};
      listField(tree, c, "items", 1, LIMITS.galleryItems).forEach((item, i) => {
        const node: Tree = {};
        mediaFields(node, asObject(item), "media");
        put(items, String(i), node);
      });
      put(tree, "items", items);
      break;
    }
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
      separatorFields(tree, c);
      break;
    case 17:
      accentFields(tree, c);
      nested(
        "components",
        listField(tree, c, "components", 1, LIMITS.v2Total),
        "container",
      );
      break;
    case 18:
      labelFields(tree, c);
      if (c.component === undefined) put(tree, "component", required());
      else put(tree, "component", componentError(c.component, "label", walk));
      break;
    case 19:
      checkCustomId(tree, c, walk);
      fileUploadFields(tree, c, context);
      break;
    case 21:
      checkCustomId(tree, c, walk);
      radioGroupFields(tree, c);
      break;
    case 22:
      checkCustomId(tree, c, walk);
      checkboxGroupFields(tree, c, context);
      break;
    case 23:
      checkCustomId(tree, c, walk);
      break;
  }
  return orNothing(tree);
}
