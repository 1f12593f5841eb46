// A LangChain tool call as a Convergent task: what the router decides on.
import { type JsonValue, type Signals, type Stakes, type Task, isJsonValue, parseTask } from "@convergent/router";

/** A tool call as the model made it. */
export interface ToolCallInfo {
  /** The tool's name. */
  readonly name: string;
  /** The arguments the model chose. */
  readonly args: Record<string, unknown>;
  /** The tool call's id (unique within the model's reply). */
  readonly id: string;
}

/** How one tool's calls become tasks. Every field is optional; what is left out routes conservatively. */
export interface ToolRouting {
  /** The task kind; `tool.<tool name>` when left out. */
  readonly kind?: string;
  /** One line for reviewers; `Call <tool> with <args>` when left out. */
  readonly title?: string;
  /** What is known about the call's convergence (feedback latency, closure, drift, horizon). */
  readonly signals?: Signals;
  /** What a wrong call costs and whether it can be undone. */
  readonly stakes?: Stakes;
  /** Tags the policy's rules can match. */
  readonly tags?: readonly string[];
  /** Fields the policy's rules can compare. */
  readonly metadata?: Record<string, JsonValue>;
}

/** A tool's routing: fixed, or a function of the call (its arguments may raise the stakes, say). */
export type ToolRoutingOption = ToolRouting | ((call: ToolCallInfo) => ToolRouting);

/** The kind a tool's calls get when its routing names none: `tool.<name>`, made a valid kind. */
export function toolKind(toolName: string): string {
  const segment = toolName.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return `tool.${segment === "" ? "unnamed" : segment}`;
}

/** The short text of a call's arguments, for titles (long values are cut). */
function argsText(args: Record<string, unknown>): string {
  let text: string;
  try {
    text = JSON.stringify(args) ?? "{}";
  } catch {
    text = "{…}";
  }
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/**
 * The task a tool call becomes: the routing's kind, signals, stakes, tags and metadata; the call's name,
 * arguments and id as the task's input. The task is validated like any other (`INVALID_TASK` names the
 * tool whose routing is wrong).
 */
export function taskFromToolCall(call: ToolCallInfo, routing: ToolRoutingOption | undefined): Task {
  const resolved = typeof routing === "function" ? routing(call) : (routing ?? {});
  const args = isJsonValue(call.args) ? call.args : JSON.parse(JSON.stringify(call.args ?? {}));
  const task = {
    id: call.id,
    kind: resolved.kind ?? toolKind(call.name),
    title: resolved.title ?? `Call ${call.name} with ${argsText(call.args)}`,
    input: { tool: call.name, args, toolCallId: call.id },
    ...(resolved.signals === undefined ? {} : { signals: resolved.signals }),
    ...(resolved.stakes === undefined ? {} : { stakes: resolved.stakes }),
    ...(resolved.tags === undefined ? {} : { tags: [...resolved.tags] }),
    ...(resolved.metadata === undefined ? {} : { metadata: resolved.metadata }),
  };
  return parseTask(task, { source: `convergenceMiddleware: the routing of tool "${call.name}"` });
}
