/**
 * {@linkcode ModalFields}: the values of a submitted modal, by custom id.
 *
 * @module
 */
import type { SubmittedModalInput } from "../types/objects/component.ts";
import type { Component } from "../types/objects/message.ts";

/**
 * The inputs of a submitted modal, found by custom id wherever they sit
 * (inside labels or the deprecated action rows).
 *
 * @example Usage
 * ```ts
 * import { ModalFields } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const fields = new ModalFields([
 *   { type: 18, component: { type: 4, custom_id: "name", value: "Ada" } },
 *   { type: 1, components: [{ type: 4, custom_id: "old", value: "x" }] },
 * ]);
 * assert.equal(fields.text("name"), "Ada");
 * assert.equal(fields.text("old"), "x");
 * assert.equal(fields.text("missing"), undefined);
 * ```
 */
export class ModalFields {
  readonly #inputs = new Map<string, SubmittedModalInput>();

  /**
   * Index a modal submit's components.
   *
   * @param components The `data.components` of the modal submit.
   */
  constructor(components: readonly (Component | SubmittedModalInput)[]) {
    const walk = (input: SubmittedModalInput, depth: number): void => {
      if (depth > 4 || typeof input !== "object" || input === null) return;
      if (typeof input.custom_id === "string") {
        this.#inputs.set(input.custom_id, input);
      }
      if (input.component) walk(input.component, depth + 1);
      if (Array.isArray(input.components)) {
        for (const child of input.components) walk(child, depth + 1);
      }
    };
    for (const component of components) {
      walk(component as SubmittedModalInput, 0);
    }
  }

  /** The custom ids of every submitted input. */
  get ids(): string[] {
    return [...this.#inputs.keys()];
  }

  /**
   * One submitted input as Discord sent it.
   *
   * @param id The input's custom id.
   * @returns The input, or `undefined`.
   */
  get(id: string): SubmittedModalInput | undefined {
    return this.#inputs.get(id);
  }

  /**
   * A text input's (or radio group's) value.
   *
   * @param id The input's custom id.
   * @returns The text, or `undefined` when absent or not text.
   */
  text(id: string): string | undefined {
    const value = this.#inputs.get(id)?.value;
    return typeof value === "string" ? value : undefined;
  }

  /**
   * A select's, checkbox group's or file upload's values.
   *
   * @param id The input's custom id.
   * @returns The values (empty when absent).
   */
  values(id: string): string[] {
    const values: unknown = this.#inputs.get(id)?.values;
    // Strings only, whatever the peer sent: the handler's type says so.
    return Array.isArray(values)
      ? values.filter((value): value is string => typeof value === "string")
      : [];
  }

  /**
   * A checkbox's state.
   *
   * @param id The checkbox's custom id.
   * @returns Whether it is checked (`false` when absent).
   */
  checked(id: string): boolean {
    return this.#inputs.get(id)?.value === true;
  }
}
