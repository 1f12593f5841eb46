// Reviews checkpoints in a terminal: shows one, asks with the prompt its answer types need, validates, answers.
import { isConvergentError } from "@convergent/router";
import { type Answer, type AnswerResult, type AnswerType, type Checkpoint, type CheckpointInfo, type Runtime, answerSchemaFor, answerTypesFor } from "@convergent/runtime";
import { deadlineText, describeCheckpoint, runStandingText } from "./display.js";
import { type ReviewPrompts, inquirerPrompts, isPromptExit } from "./prompts.js";

/** How a review ended. `answered` wrote an answer; nothing else wrote anything. */
export type ReviewOutcome =
  | { readonly status: "answered"; readonly message: string; readonly result: AnswerResult }
  | { readonly status: "conflict" | "forbidden" | "invalid"; readonly message: string }
  | { readonly status: "cancelled"; readonly message: "cancelled" }
  | { readonly status: "empty"; readonly message: "nothing to review" };

/** Options of {@link reviewCheckpoint}. */
export interface ReviewCheckpointOptions {
  readonly runtime: Runtime;
  /** The checkpoint, or its id. */
  readonly checkpoint: Checkpoint | string;
  /** Who answers (a reviewer id of the run's policy). */
  readonly reviewer: string;
  /** The prompts to ask with (@inquirer/prompts by default). */
  readonly prompts?: ReviewPrompts;
  /** Where the checkpoint is shown (process.stdout by default). */
  readonly write?: (text: string) => void;
  /** Milliseconds now, for deadlines (Date.now() by default). */
  readonly now?: number;
}

const typeLabels: Record<AnswerType, string> = {
  approve: "approve — accept this result",
  edit: "edit — correct the output, then accept it",
  reject: "reject — refuse, with a reason",
  respond: "respond — send a message",
  answer: "answer — give the result yourself",
  choose: "choose — pick one of the options",
  direction: "direction — state the constraints to work within",
};

/**
 * Shows a checkpoint, asks for an answer with the prompt that fits it, validates it against the
 * checkpoint's schema (re-asking with the validation message), then answers through the runtime.
 * Conflicts and missing roles come back as a plain message; Ctrl-C returns `cancelled` and writes nothing.
 *
 * @example
 * ```ts
 * const outcome = await reviewCheckpoint({ runtime, checkpoint: run.openCheckpoints[0]!, reviewer: "ada" });
 * console.log(outcome.message); // "Answered cp-… as ada (approve). Run … succeeded."
 * ```
 */
export async function reviewCheckpoint(options: ReviewCheckpointOptions): Promise<ReviewOutcome> {
  const { runtime, reviewer } = options;
  const prompts = options.prompts ?? inquirerPrompts;
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  let checkpoint: Checkpoint | undefined;
  if (typeof options.checkpoint === "string") {
    const found = await findCheckpoint(runtime, options.checkpoint);
    if (found === undefined) return { status: "invalid", message: `no checkpoint ${options.checkpoint}` };
    if (found.status !== "open") return { status: "conflict", message: closedMessage(found) };
    checkpoint = found.checkpoint;
  } else checkpoint = options.checkpoint;
  const run = await runtime.inspect(checkpoint.runId);
  write(describeCheckpoint({ checkpoint, run, ...(options.now === undefined ? {} : { now: options.now }) }));
  let answer: Answer;
  try {
    answer = await askAnswer(checkpoint, run?.attempts.find((a) => a.attempt === checkpoint.attempt)?.output ?? null, prompts, write);
  } catch (error) {
    if (isPromptExit(error)) return { status: "cancelled", message: "cancelled" };
    throw error;
  }
  try {
    const result = await runtime.answer(checkpoint.id, answer, reviewer);
    return { status: "answered", message: answeredMessage(result), result };
  } catch (error) {
    if (isConvergentError(error) && error.code === "CONFLICT") return { status: "conflict", message: error.message };
    if (isConvergentError(error) && error.code === "FORBIDDEN") return { status: "forbidden", message: error.message };
    if (isConvergentError(error) && error.code === "INVALID_ANSWER") return { status: "invalid", message: error.message };
    throw error;
  }
}

/** Options of {@link reviewInbox}. */
export interface ReviewInboxOptions extends Omit<ReviewCheckpointOptions, "checkpoint"> {}

/**
 * Lists the open checkpoints the reviewer may answer, oldest deadline first, lets them pick one and
 * reviews it; `nothing to review` when there are none.
 *
 * @example
 * ```ts
 * const outcome = await reviewInbox({ runtime, reviewer: "ada" });
 * ```
 */
export async function reviewInbox(options: ReviewInboxOptions): Promise<ReviewOutcome> {
  const prompts = options.prompts ?? inquirerPrompts;
  const now = options.now ?? Date.now();
  const open = [...(await options.runtime.inbox({ reviewer: options.reviewer }))].sort(byDeadline);
  if (open.length === 0) return { status: "empty", message: "nothing to review" };
  let chosen: Checkpoint;
  try {
    chosen = await prompts.select({
      message: `${open.length} open checkpoint${open.length === 1 ? "" : "s"} for ${options.reviewer} — which one?`,
      choices: open.map((info) => ({
        name: `${info.title} — ${info.checkpoint.kind} (${info.checkpoint.purpose}), due ${deadlineText(info.checkpoint.deadline, now)}`,
        value: info.checkpoint,
        description: info.checkpoint.question,
      })),
    });
  } catch (error) {
    if (isPromptExit(error)) return { status: "cancelled", message: "cancelled" };
    throw error;
  }
  return reviewCheckpoint({ ...options, prompts, now, checkpoint: chosen });
}

function byDeadline(a: CheckpointInfo, b: CheckpointInfo): number {
  return a.checkpoint.deadline - b.checkpoint.deadline || a.checkpoint.openedAt - b.checkpoint.openedAt;
}

async function findCheckpoint(runtime: Runtime, id: string): Promise<CheckpointInfo | undefined> {
  const runId = id.replace(/:cp\d+$/, "");
  const inRun = runId === id ? [] : await runtime.inbox({ status: "any", runId });
  return (inRun.length > 0 ? inRun : await runtime.inbox({ status: "any" })).find((i) => i.checkpoint.id === id);
}

/** Why a checkpoint that is no longer open cannot be answered: who answered it and when, or that it expired. */
function closedMessage(info: CheckpointInfo): string {
  const when = info.answeredAt === null ? "" : ` at ${new Date(info.answeredAt).toISOString()}`;
  if (info.status === "expired") return `checkpoint ${info.checkpoint.id} expired${when}; it can no longer be answered`;
  return `checkpoint ${info.checkpoint.id} was already answered (${info.answer?.type ?? "?"}) by ${info.reviewer?.id ?? "someone"}${when}`;
}

/** The message a validation failure shows: the schema's first problems, without zod's jargon. */
function problemOf(checkpoint: Checkpoint, candidate: unknown): string | null {
  const parsed = answerSchemaFor(checkpoint).safeParse(candidate);
  if (parsed.success) return null;
  return parsed.error.issues.map((i) => `${i.path.length === 0 ? "answer" : i.path.join(".")}: ${i.message}`).join("; ");
}

/** What a prompt gave that cannot be an answer at all (the edited text is not JSON). */
class NotAnAnswer {
  constructor(readonly problem: string) {}
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Asks until the answer passes the checkpoint's schema. Prompts get a `validate` (inquirer re-asks in
 * place); the loop re-asks too, showing the message, in case a prompt returns without validating.
 */
async function askAnswer(checkpoint: Checkpoint, output: unknown, prompts: ReviewPrompts, write: (text: string) => void): Promise<Answer> {
  const types = answerTypesFor(checkpoint);
  for (;;) {
    const type =
      types.length === 1
        ? types[0]!
        : await prompts.select<AnswerType>({ message: "Your answer", choices: types.map((t) => ({ name: typeLabels[t], value: t })) });
    const candidate = await askFor(type, checkpoint, output, prompts);
    if (candidate === null) continue; // declined a confirmation: choose again
    const problem = candidate instanceof NotAnAnswer ? candidate.problem : problemOf(checkpoint, candidate);
    if (problem === null) return answerSchemaFor(checkpoint).parse(candidate);
    write(`Not a valid answer: ${problem}\n`);
  }
}

async function askFor(type: AnswerType, checkpoint: Checkpoint, output: unknown, prompts: ReviewPrompts): Promise<unknown> {
  const validateWith = (build: (value: string) => unknown) => (value: string) => problemOf(checkpoint, build(value)) ?? true;
  switch (type) {
    case "approve":
      return (await prompts.confirm({ message: checkpoint.attempt === null ? "Approve?" : `Approve attempt ${checkpoint.attempt}'s output?`, default: true }))
        ? { type }
        : null;
    case "reject":
    case "respond": {
      const build = (message: string) => ({ type, message });
      return build(await prompts.input({ message: type === "reject" ? "Why reject? (the agent gets this as feedback)" : "Your message", validate: validateWith(build) }));
    }
    case "direction": {
      const build = (constraints: string) => ({ type, constraints });
      return build(await prompts.input({ message: "Constraints the agent must keep", validate: validateWith(build) }));
    }
    case "answer": {
      const build = (value: string) => ({ type, value: parseLoose(value) });
      return build(await prompts.input({ message: "Your result (JSON if it parses, else text)", validate: validateWith(build) }));
    }
    case "choose": {
      const options = checkpoint.options ?? [];
      if (options.length === 0) {
        const build = (option: string) => ({ type, option });
        return build(await prompts.input({ message: "Option", validate: validateWith(build) }));
      }
      return { type, option: await prompts.select({ message: "Choose", choices: options.map((o) => ({ name: o.label || o.id, value: o.id })) }) };
    }
    case "edit": {
      const text = await prompts.editor({
        message: "Edit the output (JSON)",
        default: `${JSON.stringify(output ?? null, null, 2)}\n`,
        postfix: ".json",
        validate: (value) => {
          try {
            JSON.parse(value);
          } catch (error) {
            return `not valid JSON: ${(error as Error).message}`;
          }
          return problemOf(checkpoint, { type, editedOutput: JSON.parse(value) }) ?? true;
        },
      });
      try {
        return { type, editedOutput: JSON.parse(text) as unknown };
      } catch (error) {
        // Not an answer: the loop shows this and asks again.
        return new NotAnAnswer(`editedOutput: not valid JSON: ${(error as Error).message}`);
      }
    }
  }
}

function answeredMessage(result: AnswerResult): string {
  const run = result.run;
  return `Answered ${result.checkpointId} as ${result.reviewer.id} (${result.answer.type}). Run ${run.runId} (${run.taskId}) ${runStandingText(run)}.`;
}
