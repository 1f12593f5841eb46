// A LangChain createAgent agent (its own tools, middleware and loop) as the inner worker of a Convergent attempt.
import { type JsonValue, isJsonValue } from "@convergent/router";
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { buildMessages } from "./messages.js";
import { type PriceTable, usageOf } from "./usage.js";

/** What {@link agentFromLangChainAgent} needs of a `createAgent` agent. */
export interface LangChainAgentLike {
  invoke(input: unknown, config?: Record<string, unknown>): Promise<unknown>;
  readonly options?: { readonly checkpointer?: unknown };
  readonly graph?: { getState(config: Record<string, unknown>): Promise<{ values?: unknown; next?: readonly string[] }> };
}

/** The agent's final state, as far as an attempt reads it. */
export interface LangChainAgentState {
  readonly messages: readonly BaseMessage[];
  readonly structuredResponse?: unknown;
}

/** Options of {@link agentFromLangChainAgent}. */
export interface LangChainAgentOptions {
  /** Named in journals and logs. */
  readonly name: string;
  /** Kinds or globs (`code.*`) it takes. */
  readonly kinds: readonly string[];
  /**
   * The attempt's output from the agent's final state. By default the agent's `structuredResponse` (with a
   * `responseFormat`), else the text of its last AI message.
   */
  readonly output?: (state: LangChainAgentState) => JsonValue;
  /** Prices per million tokens in the policy's currency; cost is 0 without it. */
  readonly prices?: PriceTable;
  /** LangGraph's recursion limit for one attempt (model and tool steps); LangGraph's default when left out. */
  readonly recursionLimit?: number;
}

/**
 * Wraps an agent made with LangChain's `createAgent` — its own tools, middleware and loop — as a Convergent
 * {@link Agent}: each attempt is one `invoke` with the task, the person's direction and the feedback so far
 * as messages (the agent keeps its own system prompt). Tokens and cost are summed over every model reply of
 * the attempt.
 *
 * The attempt's thread is named by the attempt's idempotency key, so with a checkpointer an attempt the
 * runtime runs again after a crash continues the agent's thread (or returns its finished result) instead of
 * starting over. An inner human-in-the-loop interrupt fails the attempt with a message saying so: a task that
 * needs a person is routed to one by Convergent, not inside the worker.
 *
 * @example
 * ```ts
 * const worker = createAgent({ model, tools: [runTests, readFile, writeFile], systemPrompt: "Fix the failing test." });
 * const agent = agentFromLangChainAgent(worker, { name: "fixer", kinds: ["code.*"], prices: { inputPerMillion: 3, outputPerMillion: 15 } });
 * const runtime = createRuntime({ router, store, agents: [agent], sandboxes: [testSuite] });
 * ```
 */
export function agentFromLangChainAgent(agent: LangChainAgentLike, options: LangChainAgentOptions): Agent {
  return {
    name: options.name,
    kinds: options.kinds,
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      const config: Record<string, unknown> = {
        configurable: { thread_id: `convergent:${input.idempotencyKey}` },
        ...(input.signal === undefined ? {} : { signal: input.signal }),
        ...(options.recursionLimit === undefined ? {} : { recursionLimit: options.recursionLimit }),
      };
      const earlier = await earlierThread(agent, config);
      const result = earlier?.finished
        ? earlier.values
        : await agent.invoke(earlier === undefined ? { messages: attemptMessages(input) } : null, config);
      const state = result as LangChainAgentState & { __interrupt__?: readonly unknown[] };
      if (state.__interrupt__ !== undefined && state.__interrupt__.length > 0) {
        throw new Error(
          `${options.name}: the agent stopped at a human-in-the-loop interrupt; Convergent cannot answer it inside an attempt (route the task to people instead)`,
        );
      }
      if (!Array.isArray(state.messages)) throw new Error(`${options.name}: the agent returned no messages`);
      const output = (options.output ?? defaultOutput)(state);
      if (!isJsonValue(output)) throw new Error(`${options.name}: the agent's output is not JSON data`);
      let tokens = 0;
      let cost = 0;
      for (const m of state.messages) {
        if (!AIMessage.isInstance(m)) continue;
        const u = usageOf(m, options.prices);
        tokens += u.tokens;
        cost += u.cost;
      }
      return { output, usage: { tokens, cost } };
    },
  };
}

/** The messages of an attempt for an agent that has its own system prompt: the direction goes in as a message. */
function attemptMessages(input: AttemptInput): BaseMessage[] {
  const [system, ...rest] = buildMessages(input, { instructions: "" });
  const constraints = system instanceof SystemMessage ? system.text.trim() : "";
  return constraints === "" ? rest : [new HumanMessage(constraints), ...rest];
}

/** The attempt's thread from an earlier run of the same attempt, when the agent keeps threads. */
async function earlierThread(agent: LangChainAgentLike, config: Record<string, unknown>) {
  if (agent.options?.checkpointer === undefined || agent.graph === undefined) return undefined;
  const snapshot = await agent.graph.getState(config);
  const values = snapshot.values as Partial<LangChainAgentState> | undefined;
  if (values === undefined || !Array.isArray(values.messages) || values.messages.length === 0) return undefined;
  return { finished: (snapshot.next ?? []).length === 0, values };
}

function defaultOutput(state: LangChainAgentState): JsonValue {
  if (state.structuredResponse !== undefined && isJsonValue(state.structuredResponse)) return state.structuredResponse;
  const last = [...state.messages].reverse().find((m) => AIMessage.isInstance(m));
  return last?.text ?? "";
}
