// Checkpoints: durable questions to people, their kinds, and the answers each kind accepts (DESIGN.md §5, §7).
import { z } from "zod";

/** The kinds of checkpoint. */
export const checkpointKinds = ["approve", "answer", "choose", "direction", "takeover"] as const;

/** One kind of checkpoint. */
export type CheckpointKind = (typeof checkpointKinds)[number];

const message = z.string().trim().min(1, { message: "must not be empty" });

/** Every answer shape (they follow LangChain's human-in-the-loop decisions). */
export const answerSchemas = {
  approve: z.strictObject({ type: z.literal("approve") }),
  reject: z.strictObject({ type: z.literal("reject"), message }),
  edit: z.strictObject({ type: z.literal("edit"), editedOutput: z.json() }),
  respond: z.strictObject({ type: z.literal("respond"), message }),
  answer: z.strictObject({ type: z.literal("answer"), value: z.json() }),
  choose: z.strictObject({ type: z.literal("choose"), option: z.string().min(1) }),
  direction: z.strictObject({ type: z.literal("direction"), constraints: message }),
} as const;

/** The type of an answer. */
export type AnswerType = keyof typeof answerSchemas;

/** Any answer. */
export const answerSchema = z.discriminatedUnion("type", [
  answerSchemas.approve,
  answerSchemas.reject,
  answerSchemas.edit,
  answerSchemas.respond,
  answerSchemas.answer,
  answerSchemas.choose,
  answerSchemas.direction,
]);

/** An answer to a checkpoint. */
export type Answer = z.infer<typeof answerSchema>;

/**
 * The answer types each kind accepts:
 * - approve: approve the agent's result, edit it, reject it with a reason (it becomes feedback), or respond with a message;
 * - answer: an answer value (or a reason to reject the question);
 * - choose: one of the options;
 * - direction: the constraints the agent must keep (or reject to stop);
 * - takeover: the person's own result (`answer`), direction to retry with, approve (accept the best attempt) or reject (abort).
 */
export const acceptedAnswers: { readonly [K in CheckpointKind]: readonly AnswerType[] } = {
  approve: ["approve", "edit", "reject", "respond"],
  answer: ["answer", "reject"],
  choose: ["choose", "reject"],
  direction: ["direction", "reject"],
  takeover: ["answer", "direction", "approve", "reject"],
};

/** What a checkpoint may do when its deadline passes. */
export const onTimeoutSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("escalate"), roles: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ action: z.literal("default"), answer: answerSchema }),
  z.strictObject({ action: z.literal("fail") }),
]);

/** What a checkpoint does when its deadline passes. */
export type OnTimeout = z.infer<typeof onTimeoutSchema>;

/**
 * Why a run asks: to review an attempt (supervised), to have a person do the task (human route), for
 * direction before the agent starts (direction mode), because the monitor escalated, or to accept a
 * directed run's result.
 */
export const checkpointPurposes = ["review", "task", "direction", "escalation", "acceptance"] as const;

/** Why a run asks a person. */
export type CheckpointPurpose = (typeof checkpointPurposes)[number];

/** A checkpoint as opened in a run's journal. */
export const checkpointSchema = z.strictObject({
  id: z.string().min(1),
  runId: z.string().min(1),
  kind: z.enum(checkpointKinds),
  purpose: z.enum(checkpointPurposes),
  /** The attempt under review (purpose `review` or `acceptance`). */
  attempt: z.number().int().min(1).nullable(),
  /** The question, in words. */
  question: z.string().min(1),
  /** Why it came to a person (the decision's or the monitor's reasons). */
  reasons: z.array(z.string()),
  /** What the person looks at: the agent's output, the attempts, the error curve. */
  context: z.json().optional(),
  /** Options of a `choose` checkpoint. */
  options: z.array(z.strictObject({ id: z.string().min(1), label: z.string() })).optional(),
  /** Roles any of which may answer. */
  assigneeRoles: z.array(z.string().min(1)).min(1),
  /** Store-clock milliseconds when it is due. */
  deadline: z.number(),
  onTimeout: onTimeoutSchema,
  /** Store-clock milliseconds when it was opened. */
  openedAt: z.number(),
});

/** A checkpoint. */
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** A person who answers checkpoints. */
export interface Reviewer {
  readonly id: string;
  readonly roles: readonly string[];
}

/** The schema of the answers a checkpoint accepts (a choose checkpoint's option must be one of its options). */
export function answerSchemaFor(checkpoint: Pick<Checkpoint, "kind" | "options" | "purpose">): z.ZodType<Answer> {
  const options = checkpoint.options?.map((o) => o.id);
  const members = answerTypesFor(checkpoint).map((t) =>
    t === "choose" && options !== undefined && options.length > 0
      ? z.strictObject({ type: z.literal("choose"), option: z.enum(options as [string, ...string[]]) })
      : answerSchemas[t],
  );
  return z.discriminatedUnion("type", members as unknown as [typeof answerSchemas.approve]) as unknown as z.ZodType<Answer>;
}

/**
 * The answer types a checkpoint accepts: its kind's, except that a person asked to do a task (purpose
 * `task`) gives a result or declines — there is no agent attempt to approve or direct yet.
 */
export function answerTypesFor(checkpoint: Pick<Checkpoint, "kind" | "purpose">): readonly AnswerType[] {
  if (checkpoint.kind === "takeover" && checkpoint.purpose === "task") return ["answer", "reject"];
  return acceptedAnswers[checkpoint.kind];
}

/** The JSON Schema of the answers a checkpoint accepts, for UIs. */
export function answerJsonSchema(checkpoint: Pick<Checkpoint, "kind" | "options" | "purpose">): Record<string, unknown> {
  const base = z.toJSONSchema(answerSchemaFor(checkpoint), { unrepresentable: "any" }) as Record<string, unknown>;
  return { ...base, title: `Answer to a ${checkpoint.kind} checkpoint` };
}

/**
 * The JSON Schema of a checkpoint document, with the answers checkpoints take under `$defs.answer`
 * (`convergent schema checkpoint`).
 */
export function checkpointJsonSchema(): Record<string, unknown> {
  const checkpoint = z.toJSONSchema(checkpointSchema, { unrepresentable: "any" }) as Record<string, unknown>;
  const answer = z.toJSONSchema(answerSchema, { unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema: _ignored, ...answerBody } = answer;
  const defs = (checkpoint["$defs"] as Record<string, unknown> | undefined) ?? {};
  return { ...checkpoint, title: "Convergent checkpoint", $defs: { ...defs, answer: { ...answerBody, title: "Convergent answer" } } };
}
