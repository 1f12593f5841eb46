// Reading the feedback the runtime hands an agent: the sandbox's latest report and what reviewers wrote.
import type { Feedback } from "@convergent/runtime";

/** The most recent feedback from the sandbox, or undefined before the first verdict. */
export function latestSandboxFeedback(feedback: readonly Feedback[]): Feedback | undefined {
  for (let i = feedback.length - 1; i >= 0; i--) if (feedback[i]!.source === "sandbox") return feedback[i];
  return undefined;
}

/** Every reviewer message (rejection reasons, directions), oldest first. */
export function reviewerMessages(feedback: readonly Feedback[]): string[] {
  return feedback.filter((f) => f.source === "reviewer").map((f) => f.message);
}
