// convergenceMiddleware: every tool call of a LangChain createAgent loop is routed as a Convergent task.
// Autonomous calls run; supervised and human calls are held with LangChain HITL's request and decision shapes.
import { ConvergentError, type Router, canonicalJson, isConvergentError } from "@convergent/router";
import type { Answer, Runtime } from "@convergent/runtime";
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { randomUUID } from "node:crypto";
import { interrupt } from "@langchain/langgraph";
import { createMiddleware } from "langchain";
import { structuredOutputToolNames } from "./structuredOutput.js";
import { type RecordedCall, answerForDecision, answerRecordedCall, checkRecordable, recordHeldCall, recordedRunId } from "./toolCallCheckpoints.js";
import { type HeldCall, type ToolDecision, type ToolDecisionType, matchDecisions } from "./toolCallDecisions.js";
import {
  type RoutedToolCall,
  type ToolCallExplanation,
  type TurnRouting,
  defaultAllowedDecisions,
  routeTurn,
  storedRouting,
} from "./toolCallRouting.js";
import { type ToolCallInfo, type ToolRoutingOption, taskFromToolCall } from "./toolCallTask.js";

/** Options of {@link convergenceMiddleware}. */
export interface ConvergenceMiddlewareOptions {
  /** Routes every tool call; its policy's rules, reviewers and calibration apply. */
  readonly router: Router;
  /**
   * Per tool name: the kind, signals, stakes, tags and metadata its calls are routed with, fixed or as a
   * function of the call. A tool not listed gets `defaultRouting`.
   */
  readonly tools?: Readonly<Record<string, ToolRoutingOption>>;
  /**
   * The routing of tools not listed in `tools`; `{ kind: "tool.<name>" }` with no signals when left out,
   * which the router treats as slow, open feedback — unlisted tools go to people unless the policy says otherwise.
   */
  readonly defaultRouting?: ToolRoutingOption;
  /** What a person may decide, by route (defaults: supervised approve/edit/reject/respond; human edit/respond/reject). */
  readonly allowedDecisions?: Partial<Record<"supervised" | "human", readonly ToolDecisionType[]>>;
  /** The first line of each held call's description; `Tool call held for review` by default. */
  readonly descriptionPrefix?: string;
  /**
   * Also record every held call as a Convergent checkpoint in this runtime's store (a person-mode run per
   * call, with the router's decision journaled), so that `convergent inbox`, `review`, `answer` and the audit
   * trail see it; the resume's decisions are recorded as the checkpoints' answers.
   */
  readonly runtime?: Runtime;
  /** Who is recorded as answering when a decision names no `reviewer` (only with `runtime`). */
  readonly reviewer?: string;
}

/** One held call in the interrupt, as LangChain HITL's `ActionRequest` plus the call's id and routing. */
export interface ConvergenceActionRequest {
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly description: string;
  readonly toolCallId: string;
  readonly route: "supervised" | "human";
  readonly routing: ToolCallExplanation;
  /** The recording run and checkpoint (with the `runtime` option). */
  readonly runId?: string;
  readonly checkpointId?: string;
}

/** One held call's review config, as LangChain HITL's `ReviewConfig` plus the call's id. */
export interface ConvergenceReviewConfig {
  readonly actionName: string;
  readonly toolCallId: string;
  readonly allowedDecisions: readonly ToolDecisionType[];
  readonly argsSchema?: Record<string, unknown>;
}

/** The interrupt's value: LangChain HITL's `HITLRequest` shape. */
export interface ConvergenceRequest {
  readonly actionRequests: readonly ConvergenceActionRequest[];
  readonly reviewConfigs: readonly ConvergenceReviewConfig[];
  /** Why the last resume was refused (the calls are asked about again); absent the first time. */
  readonly error?: string;
  /** Its code: `INVALID_ANSWER`, `FORBIDDEN` or `CONFLICT`. */
  readonly errorCode?: string;
}

/** What this middleware notes on a tool message it writes, under `response_metadata.convergent`. */
interface ToolMessageNote {
  readonly decision: ToolDecisionType | "repeat";
  readonly tool: string;
  readonly argsKey: string;
  readonly message: string;
}

type ToolCall = { name: string; args: Record<string, unknown>; id?: string; type?: "tool_call" };

/**
 * A LangChain `createAgent` middleware that routes every tool call the model makes through a Convergent
 * router. Calls routed `autonomous` run at once. Calls routed `supervised` or `human` are held in one
 * interrupt per model turn with the request shape of LangChain's `humanInTheLoopMiddleware`
 * (`actionRequests`, `reviewConfigs`) — each request also carrying its `toolCallId` and the routing
 * explanation — and the turn resumes with `new Command({ resume: { decisions: [...] } })`:
 *
 * - `approve` runs the call; `edit` runs it with `editedAction` (checked against the tool's schema);
 * - `reject` does not run it and gives the model the message as the tool's result (an error), telling it
 *   not to repeat the call unchanged — the same call again is answered with that rejection, not run or re-asked;
 * - `respond` does not run it and gives the model the person's message as the tool's result.
 *
 * Decisions follow the requests' order or name each call's `toolCallId`. A rejection never discards the
 * other calls: approved calls run, and the model sees every result. A resume that cannot be applied (an
 * invalid decision, a reviewer without the role, a conflict with an answer given in Convergent) applies
 * nothing: the calls are held again and the new interrupt's `error` says what was wrong and where. Routing happens once per
 * model reply and is stored with it, so a resume — in this process or another — asks about exactly the
 * calls the person was shown. Requires a checkpointer, like any interrupt.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   model,
 *   tools: [searchDocs, refundPayment],
 *   checkpointer: new MemorySaver(),
 *   middleware: [
 *     convergenceMiddleware({
 *       router: createRouter({ policy }),
 *       tools: {
 *         search_docs: { signals: { feedbackLatencySec: 1, ruleClosure: 0.9, driftHalfLifeSec: null } },
 *         refund_payment: (call) => ({ kind: "payments.refund", stakes: { cost: Number(call.args.amount), reversible: false } }),
 *       },
 *     }),
 *   ],
 * });
 * const config = { configurable: { thread_id: "t-1" } };
 * const result = await agent.invoke({ messages: [new HumanMessage("Refund order 42")] }, config);
 * if (result.__interrupt__) await agent.invoke(new Command({ resume: { decisions: [{ type: "approve" }] } }), config);
 * ```
 */
export function convergenceMiddleware(options: ConvergenceMiddlewareOptions) {
  const allowedDecisions = { ...defaultAllowedDecisions, ...options.allowedDecisions };
  // Own keys only: a tool named `constructor` or `toString` must not pick up Object.prototype's as its routing.
  const routingOf = (toolName: string) =>
    (options.tools !== undefined && Object.hasOwn(options.tools, toolName) ? options.tools[toolName] : undefined) ?? options.defaultRouting;
  const prefix = options.descriptionPrefix ?? "Tool call held for review";

  const route = (calls: readonly ToolCallInfo[], schemas: ReadonlyMap<string, Record<string, unknown>>) =>
    routeTurn(calls, { router: options.router, routing: routingOf, allowedDecisions, argsSchema: (name) => schemas.get(name) });

  return createMiddleware({
    name: "ConvergenceMiddleware",

    // Route once, right after the model replies, and keep the routing with the reply (a resume re-runs the
    // after-model hook; calibration may have moved by then, and the person must be asked what they were shown).
    wrapModelCall: async (request, handler) => {
      const reply = await handler(request);
      // Anything but an AIMessage means LangChain consumed a structured-output call: the agent's answer, no tool use.
      if (!AIMessage.isInstance(reply) || reply.tool_calls === undefined || reply.tool_calls.length === 0) return reply;
      // LangChain's tool node runs a call without an id whatever the thread says about it, so a held call must
      // have one for the person's decision to stand.
      // Two calls sharing an id would share one routing and one decision: the later ones get their own.
      const seen = new Set<string>();
      if (reply.tool_calls.some((c) => c.id === undefined || c.id === "" || seen.has(c.id) || (seen.add(c.id), false))) {
        const ids = new Set<string>();
        reply.tool_calls = reply.tool_calls.map((c) => {
          const id = c.id === undefined || c.id === "" || ids.has(c.id) ? `call-${randomUUID()}` : c.id;
          ids.add(id);
          return id === c.id ? c : { ...c, id };
        });
      }
      const schemas = new Map<string, Record<string, unknown>>();
      const registered = new Set<string>();
      for (const tool of request.tools ?? []) {
        const t = tool as { name?: unknown; schema?: unknown };
        if (typeof t.name !== "string") continue;
        registered.add(t.name);
        if (t.schema === undefined) continue;
        try {
          schemas.set(t.name, toJsonSchema(t.schema as Parameters<typeof toJsonSchema>[0]) as Record<string, unknown>);
        } catch {
          // A schema LangChain cannot convert: edits to this tool are checked for shape only.
        }
      }
      // A call to a tool the agent was given is always routed, whatever its name. Only a call to a
      // structured-output tool LangChain registered for this request (and no tool of the agent's) is left out:
      // LangChain answers it itself (a parsing error goes back to the model) and no tool runs it.
      const structured = structuredOutputToolNames(request.responseFormat);
      const calls = callsOf(reply).filter((c) => registered.has(c.name) || !structured.has(c.name));
      const routing = await route(calls, schemas);
      reply.response_metadata = { ...reply.response_metadata, convergent: routing };
      return reply;
    },

    afterModel: {
      canJumpTo: ["model"],
      hook: async (state, runtime) => {
        const messages = state.messages as BaseMessage[];
        const reply = [...messages].reverse().find((m) => AIMessage.isInstance(m)) as AIMessage | undefined;
        if (reply === undefined || reply.tool_calls === undefined || reply.tool_calls.length === 0) return undefined;
        // Every call is routed here: a structured-output call LangChain registered is answered (by LangChain) by now.
        const calls = callsOf(reply);
        // A call without an id gets one, and the reply carries it, so that a person's decision about it stands.
        const idsAssigned = calls.some((c, i) => reply.tool_calls![i]!.id !== c.id);
        // Only results that follow this reply answer its calls: a model may reuse an id an earlier turn's result carries.
        const answered = new Set(
          messages
            .slice(messages.lastIndexOf(reply) + 1)
            .filter((m) => ToolMessage.isInstance(m))
            .map((m) => (m as ToolMessage).tool_call_id),
        );
        const open = calls.filter((c) => !answered.has(c.id));
        if (open.length === 0) return undefined;

        // Calls a reviewer already rejected, made again unchanged: answered with that rejection, not run or re-asked.
        const rejections = priorRejections(messages);
        const repeats = new Map<string, ToolMessage>();
        for (const call of open) {
          const earlier = rejections.get(keyOf(call));
          if (earlier === undefined) continue;
          repeats.set(
            call.id,
            toolMessage(call, "repeat", `Not run: a reviewer already rejected this exact call (${earlier}). Change the arguments or take another way.`, "error"),
          );
        }

        const stored = storedRouting(reply.response_metadata);
        const unrouted = open.filter((c) => stored?.calls.find((r) => r.toolCallId === c.id) === undefined);
        const routing: TurnRouting =
          unrouted.length === 0 ? stored! : { version: 1, calls: [...(stored?.calls ?? []), ...(await route(unrouted, new Map())).calls] };
        const held = open
          .filter((c) => !repeats.has(c.id))
          .map((call) => ({ call, routed: routing.calls.find((r) => r.toolCallId === call.id)! }))
          .filter(({ routed }) => routed.route !== "autonomous");

        if (held.length === 0) return finish(idsAssigned ? withCalls(reply, calls.map(toToolCall)) : reply, calls, [...repeats.values()], answered, idsAssigned);

        const threadId = (runtime as { configurable?: { thread_id?: string } }).configurable?.thread_id;
        const recorded = new Map<string, RecordedCall>();
        if (options.runtime !== undefined) {
          for (const { call } of held) {
            const task = taskFromToolCall(call, routingOf(call.name));
            recorded.set(call.id, await recordHeldCall(options.runtime, recordedRunId(threadId, call.id, reply.id), task));
          }
        }

        const request: ConvergenceRequest = {
          actionRequests: held.map(({ call, routed }) => ({
            name: call.name,
            args: call.args,
            description: describe(prefix, call, routed),
            toolCallId: call.id,
            route: routed.route as "supervised" | "human",
            routing: routed.explanation!,
            ...(recorded.has(call.id) ? recorded.get(call.id)! : {}),
          })),
          reviewConfigs: held.map(({ call, routed }) => ({
            actionName: call.name,
            toolCallId: call.id,
            allowedDecisions: routed.allowedDecisions ?? allowedDecisions[routed.route as "supervised" | "human"],
            ...(routed.argsSchema === undefined ? {} : { argsSchema: routed.argsSchema }),
          })),
        };

        const heldCalls: HeldCall[] = request.reviewConfigs.map((c) => ({
          toolCallId: c.toolCallId,
          name: c.actionName,
          allowedDecisions: c.allowedDecisions,
          ...(c.argsSchema === undefined ? {} : { argsSchema: c.argsSchema }),
        }));
        const schemaOf = (name: string) => routing.calls.find((r) => r.name === name && r.argsSchema !== undefined)?.argsSchema ?? knownTool(calls, name);

        // A refused resume is not thrown: LangGraph keeps a resume value for its interrupt, so the next resume
        // would meet the same refusal. The calls are asked about again, with what was wrong (`error`).
        let resume: unknown = interrupt(request);
        let decisions: ReadonlyMap<string, ToolDecision>;
        for (;;) {
          try {
            decisions = matchDecisions(heldCalls, resume, schemaOf);
            await checkEdits(options.router, routingOf, held, decisions);
            if (options.runtime !== undefined) await recordDecisions(options.runtime, options.reviewer, held, recorded, decisions);
            break;
          } catch (error) {
            if (!isConvergentError(error) || !refusals.has(error.code)) throw error;
            resume = interrupt({ ...request, error: error.message, errorCode: error.code });
          }
        }

        const results: ToolMessage[] = [...repeats.values()];
        const edited = new Map<string, ToolCall>();
        for (const { call } of held) {
          const d = decisions.get(call.id)!;
          const outcome = apply(call, d);
          if (outcome.message !== undefined) results.push(outcome.message);
          if (outcome.edited !== undefined) edited.set(call.id, outcome.edited);
        }
        const revised = calls.map((c) => edited.get(c.id) ?? toToolCall(c));
        const revisedReply = withCalls(reply, revised);
        return finish(revisedReply, revised.map(infoOf), results, answered, edited.size > 0 || idsAssigned);
      },
    },
  });
}

const humanness = { autonomous: 0, supervised: 1, human: 2 } as const;

/**
 * Routes every edited call as the call it now is. An edit may not carry a call past the gate it was held at: when
 * the edited call routes more human than the held one, or needs a role the held call's reviewers need not have, the
 * resume is refused (`FORBIDDEN`) and asked again — a $20 refund edited into $40,000 is a new call for finance.
 */
async function checkEdits(
  router: Router,
  routingOf: (toolName: string) => ToolRoutingOption | undefined,
  held: readonly { readonly call: ToolCallInfo; readonly routed: RoutedToolCall }[],
  decisions: ReadonlyMap<string, ToolDecision>,
): Promise<void> {
  for (const [i, { call, routed }] of held.entries()) {
    const d = decisions.get(call.id);
    if (d?.type !== "edit") continue;
    const edited: ToolCallInfo = { name: d.editedAction.name, args: d.editedAction.args, id: call.id };
    const decision = await router.decideAsync(taskFromToolCall(edited, routingOf(edited.name)));
    const before = routed.explanation!;
    const where = `resume.decisions[${i}] (tool call ${call.id} (${call.name}))`;
    if (humanness[decision.route] > humanness[before.route]) {
      throw new ConvergentError(
        "FORBIDDEN",
        `${where}: the edited call (${edited.name}) routes ${decision.route}${decision.forcedBy === null ? "" : ` (rule ${decision.forcedBy})`}, past the ${before.route} review it was held for; reject it and let the agent make that call, so it is held for the right people`,
      );
    }
    if (decision.route !== "autonomous") {
      const missing = before.assigneeRoles.filter((r) => !decision.assigneeRoles.includes(r));
      if (missing.length > 0) {
        throw new ConvergentError(
          "FORBIDDEN",
          `${where}: the edited call (${edited.name}) needs a reviewer with the role ${decision.assigneeRoles.join(" or ")}, and this call was held for ${before.assigneeRoles.join(" or ")}; reject it and let the agent make that call, so it is held for the right people`,
        );
      }
    }
  }
}

/** Codes of a resume that is refused and asked again. */
const refusals = new Set(["INVALID_ANSWER", "FORBIDDEN", "CONFLICT"]);

/**
 * Records the decisions as the checkpoints' answers: every reviewer named, every reviewer allowed and no
 * conflicting answer (all checked before anything is written), then call by call, each exactly once.
 */
async function recordDecisions(
  runtime: Runtime,
  defaultReviewer: string | undefined,
  held: readonly { readonly call: ToolCallInfo }[],
  recorded: ReadonlyMap<string, RecordedCall>,
  decisions: ReadonlyMap<string, ToolDecision>,
): Promise<void> {
  const writes: { recorded: RecordedCall; answer: Answer; reviewer: string }[] = [];
  for (const { call } of held) {
    const d = decisions.get(call.id)!;
    const reviewer = d.reviewer ?? defaultReviewer;
    if (reviewer === undefined) {
      throw new ConvergentError("INVALID_ANSWER", `the decision for tool call ${call.id} (${call.name}) names no reviewer; set decisions[].reviewer or the middleware's reviewer option`);
    }
    const answer = answerForDecision(d, call.name, call.args);
    if (await checkRecordable(runtime, recorded.get(call.id)!, answer, reviewer)) writes.push({ recorded: recorded.get(call.id)!, answer, reviewer });
  }
  for (const w of writes) await answerRecordedCall(runtime, w.recorded, w.answer, w.reviewer);
}

/**
 * The reply's tool calls with ids. A call without one (a reply no model call of this middleware saw) gets an
 * id derived from the reply's, which the revised reply then carries.
 */
function callsOf(reply: AIMessage): ToolCallInfo[] {
  const ids = new Set<string>();
  return (reply.tool_calls ?? []).map((c, i) => {
    const id = c.id === undefined || c.id === "" || ids.has(c.id) ? `call-${reply.id ?? "reply"}-${i}` : c.id;
    ids.add(id);
    return { name: c.name, args: (c.args ?? {}) as Record<string, unknown>, id };
  });
}

/** The reply with these tool calls in place of its own (same id, so the thread's message is replaced). */
function withCalls(reply: AIMessage, calls: readonly ToolCall[]): AIMessage {
  return new AIMessage({
    content: reply.content,
    tool_calls: calls.map((c) => ({ ...c, type: "tool_call" as const })),
    ...(reply.id === undefined ? {} : { id: reply.id }),
    ...(reply.name === undefined ? {} : { name: reply.name }),
    additional_kwargs: reply.additional_kwargs,
    response_metadata: reply.response_metadata,
    ...(reply.usage_metadata === undefined ? {} : { usage_metadata: reply.usage_metadata }),
  });
}

function infoOf(call: ToolCall): ToolCallInfo {
  return { name: call.name, args: call.args, id: call.id! };
}

function toToolCall(call: ToolCallInfo): ToolCall {
  return { name: call.name, args: call.args, id: call.id, type: "tool_call" };
}

function keyOf(call: { name: string; args: unknown }): string {
  return canonicalJson([call.name, call.args]);
}

/** A known tool without a JSON Schema (null), or undefined when no call of this turn used it. */
function knownTool(calls: readonly ToolCallInfo[], name: string): null | undefined {
  return calls.some((c) => c.name === name) ? null : undefined;
}

function toolMessage(call: ToolCallInfo, decision: ToolMessageNote["decision"], content: string, status: "success" | "error"): ToolMessage {
  const note: ToolMessageNote = { decision, tool: call.name, argsKey: keyOf(call), message: content };
  return new ToolMessage({ content, tool_call_id: call.id, name: call.name, status, response_metadata: { convergent: note } });
}

/** The rejections this middleware wrote earlier in the thread, by call (name and arguments). */
function priorRejections(messages: readonly BaseMessage[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of messages) {
    if (!ToolMessage.isInstance(m)) continue;
    const note = (m.response_metadata as { convergent?: ToolMessageNote } | undefined)?.convergent;
    if (note?.decision === "reject") found.set(note.argsKey, note.message);
  }
  return found;
}

function apply(call: ToolCallInfo, decision: ToolDecision): { message?: ToolMessage; edited?: ToolCall } {
  const who = decision.reviewer === undefined ? "a reviewer" : decision.reviewer;
  switch (decision.type) {
    case "approve":
      return {};
    case "edit":
      return { edited: { name: decision.editedAction.name, args: decision.editedAction.args, id: call.id, type: "tool_call" } };
    case "reject": {
      const why = decision.message === undefined || decision.message.trim() === "" ? "no reason given" : decision.message;
      return {
        message: toolMessage(call, "reject", `Rejected by ${who}: ${why}. The call was not run; do not repeat it unchanged.`, "error"),
      };
    }
    case "respond":
      return { message: toolMessage(call, "respond", decision.message, "success") };
  }
}

/**
 * The hook's state update: the (revised) reply and the results people gave. When no call is left for the
 * tools to run, the model gets the results at once (otherwise LangChain would end the turn there).
 */
function finish(reply: AIMessage, calls: readonly ToolCallInfo[], results: readonly ToolMessage[], answered: ReadonlySet<string>, revised = false) {
  if (results.length === 0 && !revised) return undefined;
  const resolved = new Set([...answered, ...results.map((m) => m.tool_call_id)]);
  const pending = calls.filter((c) => !resolved.has(c.id));
  return {
    messages: revised ? [reply, ...results] : [...results],
    ...(pending.length === 0 ? { jumpTo: "model" as const } : {}),
  };
}

function describe(prefix: string, call: ToolCallInfo, routed: RoutedToolCall): string {
  const e = routed.explanation!;
  const lines = [
    prefix,
    "",
    `Tool: ${call.name}`,
    `Args: ${JSON.stringify(call.args, null, 2)}`,
    "",
    `Routed ${e.route}${e.forcedBy === null ? "" : ` (rule ${e.forcedBy})`}: convergence ${e.score.toFixed(2)}${e.limitingAxis === null ? "" : `, limited by ${e.limitingAxis}`}.`,
    ...e.reasons.map((r) => `- ${r}`),
  ];
  return lines.join("\n");
}
