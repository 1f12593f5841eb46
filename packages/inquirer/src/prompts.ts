// The prompt functions the reviewer terminal asks with: @inquirer/prompts by default, injectable for tests.
import { confirm, editor, input, select } from "@inquirer/prompts";

/** One choice of a select prompt. */
export interface PromptChoice<V> {
  readonly name: string;
  readonly value: V;
  readonly description?: string;
}

/**
 * The prompts a review asks with. Each has the shape of its @inquirer/prompts namesake (config in,
 * promise of the answer out; Ctrl-C rejects with inquirer's `ExitPromptError`).
 */
export interface ReviewPrompts {
  select<V>(config: { message: string; choices: readonly PromptChoice<V>[]; pageSize?: number }): Promise<V>;
  input(config: { message: string; default?: string; required?: boolean; validate?: (value: string) => boolean | string }): Promise<string>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  editor(config: { message: string; default?: string; postfix?: string; validate?: (value: string) => boolean | string }): Promise<string>;
}

/** The prompts of @inquirer/prompts. */
export const inquirerPrompts: ReviewPrompts = {
  select: (config) => select({ ...config, choices: [...config.choices] }),
  input: (config) => input(config),
  confirm: (config) => confirm(config),
  editor: (config) => editor(config),
};

/** True for the error inquirer raises when the person presses Ctrl-C (or closes the terminal). */
export function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}
