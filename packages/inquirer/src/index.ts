// @convergent/inquirer: the reviewer's terminal — shows checkpoints and answers them with @inquirer/prompts.
export { reviewCheckpoint, reviewInbox } from "./review.js";
export type { ReviewCheckpointOptions, ReviewInboxOptions, ReviewOutcome } from "./review.js";
export { describeCheckpoint, errorCurveText, deadlineText, runStandingText } from "./display.js";
export type { DescribeOptions } from "./display.js";
export { inquirerPrompts, isPromptExit } from "./prompts.js";
export type { PromptChoice, ReviewPrompts } from "./prompts.js";
