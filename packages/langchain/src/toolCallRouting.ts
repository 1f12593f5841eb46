// The routing of one model reply's tool calls, kept with the reply so that a resume sees what the person saw.
import type { Decision, Route, Router } from "@convergent/router";
import type { ToolDecisionType } from "./toolCallDecisions.js";
import { type ToolCallInfo, type ToolRoutingOption, taskFromToolCall } from "./toolCallTask.js";

/** Why a tool call went where it went: the parts of the router's decision a reviewer reads. */
export interface ToolCallExplanation {
  readonly taskId: string;
  readonly kind: string;
  readonly route: Route;
  /** The convergence score, 0..1. */
  readonly score: number;
  /** The axis that holds the score down most, if any. */
  readonly limitingAxis: string | null;
  /** One sentence about convergence. */
  readonly summary: string;
  /** Every reason the router gave. */
  readonly reasons: readonly string[];
  /** The rule that forced the route, or null when cost chose it. */
  readonly forcedBy: string | null;
  /** Roles that may decide the call. */
  readonly assigneeRoles: readonly string[];
  /** The deadline the policy sets for a person's answer, in seconds. */
  readonly deadlineSec: number;
  /** The policy the decision was made under. */
  readonly policy: { readonly id: string; readonly version: number; readonly hash: string };
}

/** One routed tool call. */
export interface RoutedToolCall {
  readonly toolCallId: string;
  readonly name: string;
  readonly route: Route;
  /** Present for calls held for a person. */
  readonly explanation?: ToolCallExplanation;
  /** What a person may decide (held calls only). */
  readonly allowedDecisions?: readonly ToolDecisionType[];
  /** JSON Schema of the tool's arguments, when known (held calls only). */
  readonly argsSchema?: Record<string, unknown>;
}

/** The routing of one model reply, stored under `response_metadata.convergent`. */
export interface TurnRouting {
  readonly version: 1;
  readonly calls: readonly RoutedToolCall[];
}

/** The decisions a person may make by route, when the options say nothing. */
export const defaultAllowedDecisions: Readonly<Record<"supervised" | "human", readonly ToolDecisionType[]>> = {
  supervised: ["approve", "edit", "reject", "respond"],
  // A call routed to people is theirs to make: they write the arguments (edit), answer in the tool's place
  // (respond) or decline; approving the agent's own arguments as they stand is what `supervised` is for.
  human: ["edit", "respond", "reject"],
};

/** The explanation of a decision, for a held call. */
export function explain(decision: Decision): ToolCallExplanation {
  return {
    taskId: decision.taskId,
    kind: decision.kind,
    route: decision.route,
    score: decision.convergence.score,
    limitingAxis: decision.convergence.limitingAxis,
    summary: decision.convergence.summary,
    reasons: decision.reasons,
    forcedBy: decision.forcedBy,
    assigneeRoles: decision.assigneeRoles,
    deadlineSec: decision.deadlineSec,
    policy: decision.policy,
  };
}

/** What routing a turn needs. */
export interface RouteTurnOptions {
  readonly router: Router;
  readonly routing: (toolName: string) => ToolRoutingOption | undefined;
  readonly allowedDecisions: Readonly<Record<"supervised" | "human", readonly ToolDecisionType[]>>;
  readonly argsSchema: (toolName: string) => Record<string, unknown> | undefined;
}

/** Routes every call of one reply (the router's estimator fills signals nobody declared). */
export async function routeTurn(calls: readonly ToolCallInfo[], options: RouteTurnOptions): Promise<TurnRouting> {
  const routed: RoutedToolCall[] = [];
  for (const call of calls) {
    const decision = await options.router.decideAsync(taskFromToolCall(call, options.routing(call.name)));
    if (decision.route === "autonomous") {
      routed.push({ toolCallId: call.id, name: call.name, route: "autonomous" });
      continue;
    }
    const schema = options.argsSchema(call.name);
    routed.push({
      toolCallId: call.id,
      name: call.name,
      route: decision.route,
      explanation: explain(decision),
      allowedDecisions: options.allowedDecisions[decision.route],
      ...(schema === undefined ? {} : { argsSchema: schema }),
    });
  }
  return { version: 1, calls: routed };
}

/** The routing stored on a reply, if it is one this middleware wrote. */
export function storedRouting(metadata: unknown): TurnRouting | undefined {
  if (metadata === null || typeof metadata !== "object") return undefined;
  const value = (metadata as { convergent?: unknown }).convergent;
  if (value === null || typeof value !== "object") return undefined;
  const routing = value as Partial<TurnRouting>;
  return routing.version === 1 && Array.isArray(routing.calls) ? (routing as TurnRouting) : undefined;
}
