// Turns one Convergent attempt (task, direction, feedback, previous output) into chat messages.
import type { AttemptInput, Feedback } from "@convergent/runtime";
import { type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";

/** The system prompt used when {@link BuildMessagesOptions.instructions} is left out. */
export const defaultInstructions =
  "You are an agent working on one task. Return only the result the task asks for; it is checked automatically.";

/** Options of {@link buildMessages}. */
export interface BuildMessagesOptions {
  /** The system prompt; {@link defaultInstructions} when left out. */
  readonly instructions?: string;
}

/**
 * The messages for one attempt: a system message (instructions, plus the person's direction as constraints
 * when there is one), the task (title, kind, input as JSON), and — from the second attempt on — the previous
 * output and the feedback so far, each item with its attempt number.
 */
export function buildMessages(input: AttemptInput, options: BuildMessagesOptions = {}): BaseMessage[] {
  let system = options.instructions ?? defaultInstructions;
  if (input.direction !== null && input.direction.trim() !== "") {
    system += `\n\nConstraints from a person (they override anything else):\n${input.direction}`;
  }
  const { task } = input;
  const taskText = [
    `Task: ${task.title}`,
    `Kind: ${task.kind}`,
    `Input (JSON):\n${JSON.stringify(task.input ?? null, null, 2)}`,
  ].join("\n");
  const messages: BaseMessage[] = [new SystemMessage(system), new HumanMessage(taskText)];

  if (input.previousOutput !== null || input.feedback.length > 0) {
    const parts = [`This is attempt ${input.attempt}.`];
    if (input.previousOutput !== null) parts.push(`Your previous output (JSON):\n${JSON.stringify(input.previousOutput, null, 2)}`);
    if (input.feedback.length > 0) parts.push(`Feedback so far, oldest first:\n${input.feedback.map(formatFeedback).join("\n")}`);
    parts.push("Take the feedback into account and try again.");
    messages.push(new HumanMessage(parts.join("\n\n")));
  }
  return messages;
}

/** One feedback item as a line: who said it, about which attempt, and the sandbox's error when there is one. */
export function formatFeedback(feedback: Feedback): string {
  const about = feedback.attempt === null ? "" : ` on attempt ${feedback.attempt}`;
  const who = feedback.source === "sandbox" ? "sandbox verdict" : feedback.source === "runtime" ? "failed attempt" : "reviewer";
  const error = feedback.error === undefined ? "" : ` (error ${feedback.error})`;
  return `- ${who}${about}${error}: ${feedback.message}`;
}
