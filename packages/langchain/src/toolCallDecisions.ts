// The resume of a held tool call: LangChain's HITL decisions (approve / edit / reject), plus respond, by id or position.
import { ConvergentError } from "@convergent/router";
import { Validator } from "@langchain/core/utils/json_schema";
import { z } from "zod";

/** What a person may decide about a held tool call. */
export const toolDecisionTypes = ["approve", "edit", "reject", "respond"] as const;

/** One of {@link toolDecisionTypes}. */
export type ToolDecisionType = (typeof toolDecisionTypes)[number];

const toolCallId = z.string().min(1).optional().describe("The held call's id; decisions either all name one or follow the requests' order.");
const reviewer = z.string().min(1).optional().describe("Who decided (recorded when the middleware records checkpoints).");

/**
 * One decision, in the shape of LangChain's `humanInTheLoopMiddleware` (`approve`, `edit` with an
 * `editedAction`, `reject` with an optional message) plus `respond`: the person's message becomes the
 * tool's result, the tool is not run. Extra fields are ignored, so LangChain reviewer UIs work unchanged.
 */
export const toolDecisionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("approve"), toolCallId, reviewer }),
  z.object({
    type: z.literal("edit"),
    toolCallId,
    reviewer,
    editedAction: z.object({ name: z.string().min(1), args: z.record(z.string(), z.unknown()) }),
  }),
  z.object({ type: z.literal("reject"), toolCallId, reviewer, message: z.string().optional() }),
  z.object({ type: z.literal("respond"), toolCallId, reviewer, message: z.string() }),
]);

/** One decision about a held tool call. */
export type ToolDecision = z.infer<typeof toolDecisionSchema>;

/** The resume value: `{ decisions: [...] }`, as for LangChain's `humanInTheLoopMiddleware`. */
export const toolDecisionsSchema = z.object({ decisions: z.array(toolDecisionSchema).min(1) });

/** The resume value of a held turn. */
export interface ToolDecisions {
  readonly decisions: readonly ToolDecision[];
}

/** What the middleware asked about one call, as far as checking a decision needs. */
export interface HeldCall {
  readonly toolCallId: string;
  readonly name: string;
  readonly allowedDecisions: readonly ToolDecisionType[];
  /** JSON Schema of the tool's arguments, when the tool has one. */
  readonly argsSchema?: Record<string, unknown>;
}

function invalid(message: string): ConvergentError {
  return new ConvergentError("INVALID_ANSWER", `${message} — the tool calls are still waiting; resume again with valid decisions`);
}

function describeCall(call: HeldCall): string {
  return `tool call ${call.toolCallId} (${call.name})`;
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${["resume", ...i.path].join(".")}: ${i.message}`).join("; ");
}

/**
 * Checks a resume value against the held calls and pairs every call with its decision. Decisions either
 * all carry a `toolCallId` (any order) or none does (the requests' order, as LangChain's HITL expects).
 * Every problem is an `INVALID_ANSWER` that names the call and what was wrong; nothing is applied then.
 * Edited arguments are checked against the tool's JSON Schema; an edit may switch to another tool only
 * if `schemaOf` knows it (its schema, or `null` for a known tool without one; `undefined` for unknown).
 */
export function matchDecisions(
  held: readonly HeldCall[],
  resume: unknown,
  schemaOf: (toolName: string) => Record<string, unknown> | undefined | null,
): ReadonlyMap<string, ToolDecision> {
  const parsed = toolDecisionsSchema.safeParse(resume);
  if (!parsed.success) throw invalid(`the resume value is not { decisions: [...] } of approve / edit / reject / respond: ${issuesText(parsed.error)}`);
  const decisions = parsed.data.decisions;
  const withId = decisions.filter((d) => d.toolCallId !== undefined).length;
  const paired = new Map<string, ToolDecision>();
  if (withId === 0) {
    if (decisions.length !== held.length) {
      throw invalid(`${decisions.length} decision(s) for ${held.length} held tool call(s) (${held.map(describeCall).join(", ")}); give one per call, in order, or name each call's toolCallId`);
    }
    held.forEach((call, i) => paired.set(call.toolCallId, decisions[i]!));
  } else if (withId === decisions.length) {
    const byId = new Map(held.map((call) => [call.toolCallId, call]));
    decisions.forEach((d, i) => {
      if (!byId.has(d.toolCallId!)) throw invalid(`resume.decisions[${i}].toolCallId: no held tool call has id "${d.toolCallId}" (held: ${[...byId.keys()].join(", ")})`);
      if (paired.has(d.toolCallId!)) throw invalid(`resume.decisions[${i}].toolCallId: a second decision for tool call ${d.toolCallId}`);
      paired.set(d.toolCallId!, d);
    });
    const missing = held.filter((call) => !paired.has(call.toolCallId));
    if (missing.length > 0) throw invalid(`no decision for ${missing.map(describeCall).join(", ")}`);
  } else {
    throw invalid(`${withId} of ${decisions.length} decisions name a toolCallId; name it on every decision or on none (then they follow the requests' order)`);
  }
  held.forEach((call) => {
    const decision = paired.get(call.toolCallId)!;
    const index = decisions.indexOf(decision);
    const where = `resume.decisions[${index}] (${describeCall(call)})`;
    if (!call.allowedDecisions.includes(decision.type)) {
      throw invalid(`${where}: "${decision.type}" is not allowed here; allowed: ${call.allowedDecisions.join(", ")}`);
    }
    if (decision.type === "edit") {
      const { name, args } = decision.editedAction;
      const schema = name === call.name ? call.argsSchema : schemaOf(name);
      if (name !== call.name && schema === undefined) throw invalid(`${where}.editedAction.name: "${name}" is not a tool this agent has`);
      if (schema !== undefined && schema !== null) {
        const result = new Validator(schema as never, "2020-12", false).validate(args);
        if (!result.valid) {
          const why = result.errors
            .filter((e) => e.instanceLocation !== "#" || result.errors.length === 1)
            .slice(0, 5)
            .map((e) => `${e.instanceLocation.replace(/^#\/?/, "args/")}: ${e.error}`)
            .join("; ");
          throw invalid(`${where}.editedAction.args do not fit the tool's schema: ${why}`);
        }
      }
    }
  });
  return paired;
}
