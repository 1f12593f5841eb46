// Builds the runtime the run/answer/inbox commands work with: the policy, the store, and the built-in agents.
import { type Policy, createRouter } from "@convergent/router";
import { type Runtime, type Store, createRuntime } from "@convergent/runtime";
import { demoAgents, demoSandboxes } from "./demo/index.js";
import { type LogFormat, loggerFor } from "./logOption.js";
import { policyFromOption } from "./policyInput.js";
import { openStore } from "./storeOption.js";

/** Options every runtime command takes. */
export interface RuntimeCommandOptions {
  readonly policy?: string;
  readonly store?: string;
  readonly logFormat?: LogFormat;
}

/** An opened runtime and what it was built from; `close` releases the store. */
export interface RuntimeSetup {
  readonly runtime: Runtime;
  readonly store: Store;
  readonly policy: Policy;
  close(): Promise<void>;
}

/**
 * Opens the store and builds a runtime over the policy, with the built-in (non-LLM) agents and sandboxes
 * registered for the kinds they cover; tasks of other kinds escalate to a person ("no agent").
 */
export async function openRuntime(options: RuntimeCommandOptions): Promise<RuntimeSetup> {
  const policy = await policyFromOption(options.policy);
  const store = await openStore(options.store);
  const logger = loggerFor(options.logFormat);
  const runtime = createRuntime({ router: createRouter({ policy }), store, agents: demoAgents(), sandboxes: demoSandboxes(), ...(logger === undefined ? {} : { logger }) });
  return { runtime, store, policy, close: () => store.close() };
}
