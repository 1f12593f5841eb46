// `demo --llm` without a network: the model config from the environment, model errors as one line, the per-kind
// output schemas, and the whole demo run end to end with LangChain's own fake chat model in place of ChatOpenAI —
// its structured replies go through agentFromChatModel into the real sandboxes, and the sandboxes' feedback
// comes back in the next call's messages.
import { PassThrough } from "node:stream";
import type { JsonValue } from "@convergent/router";
import { isConvergentError } from "@convergent/router";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { FakeBuiltModel } from "@langchain/core/testing";
import { fakeModel } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runDemo } from "../demoCommand.js";
import { chatModelTaskAgent, createChatOpenAiModel, llmTaskSpecs, modelErrorLine, programAgentKinds, resolveLlmConfig } from "./llm/index.js";
import type { LlmConfig } from "./llm/index.js";
import { demoTask, demoTasks } from "./testing.js";

const secretKey = "sk-proj-Zq8tEsTkEy0123456789abcd";

// ---------------------------------------------------------------------------------------------------------------
// LangChain's fake chat model with BaseChatModel's own structured-output pipeline (bind the tool, parse the call).

/** `fakeModel()` whose withStructuredOutput is BaseChatModel's: the reply's tool call is parsed, the raw message kept. */
function structuredFakeModel(): FakeBuiltModel {
  const model = fakeModel();
  model.withStructuredOutput = BaseChatModel.prototype.withStructuredOutput as FakeBuiltModel["withStructuredOutput"];
  return model;
}

const textOf = (messages: readonly BaseMessage[]) => messages.map((m) => m.text).join("\n---\n");

/** Replies by task id, one per attempt. */
type Script = Record<string, readonly Record<string, JsonValue>[]>;

const usagePerCall = { input_tokens: 1000, output_tokens: 200, total_tokens: 1200 };

/** The structured-output tool each kind's agent binds; the reply must call it by this name to be parsed. */
const toolNames: Record<string, string> = {
  "code.fix-test": "slug_pipeline",
  "data.normalize": "field_mapping",
  "ops.schedule": "meeting_schedule",
  "i18n.translate": "translations",
};

/**
 * A fake model that answers like a model would: it reads the task (by its title) and the attempt number from the
 * messages it is sent and replies with that attempt's scripted structured output, as a call to the kind's tool.
 */
function scriptedModel(script: Script, calls = 40): FakeBuiltModel {
  const byTitle = new Map(demoTasks().map((t) => [t.title, t]));
  const model = structuredFakeModel();
  for (let i = 0; i < calls; i++) {
    model.respond((messages) => {
      const text = textOf(messages);
      const task = byTitle.get(/^Task: (.*)$/m.exec(text)?.[1] ?? "");
      const attempt = Number(/This is attempt (\d+)\./.exec(text)?.[1] ?? 1);
      const reply = task === undefined ? undefined : script[task.id]?.[attempt - 1];
      if (task === undefined || reply === undefined) return new Error(`no scripted reply for ${task?.id ?? "an unknown task"} attempt ${attempt}`);
      // A chunk, as BaseChatModel's structured-output parser expects (it reads tool calls off AIMessageChunk).
      return new AIMessageChunk({ content: "", tool_calls: [{ name: toolNames[task.kind]!, args: reply, id: `call-${i}`, type: "tool_call" }], usage_metadata: usagePerCall });
    });
  }
  return model;
}

const correctPipeline = [
  { op: "strip-diacritics", n: null },
  { op: "trim", n: null },
  { op: "lowercase", n: null },
  { op: "replace-whitespace-with-dash", n: null },
  { op: "strip-non-alnum-except-dash", n: null },
  { op: "collapse-dashes", n: null },
  { op: "max-length", n: 24 },
  { op: "trim-dashes", n: null },
];

const crmMapping = [
  { target: "firstName", from: ["Full Name"], transforms: ["split-name-first"] },
  { target: "lastName", from: ["Full Name"], transforms: ["split-name-last"] },
  { target: "email", from: ["email", "E-mail"], transforms: ["trim", "lowercase"] },
  { target: "age", from: ["age"], transforms: ["trim", "to-number"] },
  { target: "active", from: ["active"], transforms: ["trim", "to-boolean"] },
  { target: "signupDate", from: ["signup"], transforms: ["trim", "to-iso-date"] },
];

const schedule = [
  { meeting: "standup", start: "Mon 11:00", room: "Lovelace" },
  { meeting: "planning", start: "Mon 15:00", room: "Hopper" },
  { meeting: "design-review", start: "Mon 13:00", room: "Lovelace" },
  { meeting: "1on1-ana-ben", start: "Mon 10:00", room: "Hopper" },
  { meeting: "hiring-sync", start: "Tue 10:00", room: "Lovelace" },
  { meeting: "retro", start: "Mon 09:00", room: "Hopper" },
  { meeting: "budget", start: "Mon 10:00", room: "Lovelace" },
];

const german: Record<string, string> = {
  "nav.signIn": "Anmelden",
  "account.title": "Ihr Konto",
  "cart.title": "Ihr Warenkorb",
  "cart.items": "{count} Artikel in Ihrem Warenkorb",
  "checkout.button": "Zur Kasse",
  "checkout.total": "Gesamt: %s",
  "account.greeting": "Willkommen zurück, {name}!",
};
const pairs = (record: Record<string, string>) => Object.entries(record).map(([key, text]) => ({ key, text }));

/** Wrong first, then right: each run needs the sandbox's feedback to converge (the feed mapping is right at once). */
const convergingScript: Script = {
  "demo-fix-slugify": [
    { pipeline: [{ op: "trim", n: null }, { op: "lowercase", n: null }, { op: "replace-whitespace-with-dash", n: null }], change: "first try" },
    { pipeline: correctPipeline, change: "strip diacritics and punctuation, collapse and trim dashes, cut at 24" },
  ],
  "demo-normalize-crm": [
    { mapping: crmMapping.filter((m) => m.target !== "lastName").map((m) => (m.target === "age" ? { ...m, transforms: [] } : m)), change: "first try" },
    { mapping: crmMapping, change: "add lastName, coerce age to a number" },
  ],
  "demo-normalize-feed": [
    {
      mapping: [
        { target: "sku", from: ["sku", "SKU"], transforms: [] },
        { target: "productName", from: ["Product Name"], transforms: [] },
        { target: "price", from: ["Price"], transforms: ["trim", "to-number"] },
        { target: "inStock", from: ["In Stock"], transforms: ["trim", "to-boolean"] },
        { target: "releaseDate", from: ["Release"], transforms: ["trim", "to-iso-date"] },
      ],
      change: "map every field",
    },
  ],
  "demo-schedule-week": [
    { schedule: schedule.map((s) => ({ ...s, start: "Mon 09:00", room: "Hopper" })), change: "first try" },
    { schedule, change: "spread the meetings out" },
  ],
  "demo-i18n-checkout": [
    { translations: pairs({ ...german, "cart.title": "Ihr Einkaufswagen" }), change: "from the memory" },
    { translations: pairs(german), change: "use Warenkorb" },
  ],
};

/** Runs `demo --llm` on a memory store with the given model and env; returns the exit code and the report. */
async function demoWith(createModel: (config: LlmConfig) => BaseChatModel, env: Record<string, string> = { OPENAI_API_KEY: secretKey }) {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const code = await runDemo({ store: "memory:", llm: true, env, createModel, stdout });
  const row = (id: string) => text.split("\n").find((line) => line.startsWith(`  ${id} `)) ?? "";
  return { code, text, row };
}

/** The model calls for one task, in order. */
function callsFor(model: FakeBuiltModel, id: string) {
  const title = demoTasks().find((t) => t.id === id)!.title;
  return model.calls.filter((c) => textOf(c.messages).includes(`Task: ${title}\n`));
}

// ---------------------------------------------------------------------------------------------------------------

describe("resolveLlmConfig", () => {
  it("uses OpenAI with OPENAI_API_KEY: gpt-4.1-mini by default, priced from the table", () => {
    expect(resolveLlmConfig({ OPENAI_API_KEY: secretKey })).toEqual({
      provider: "openai",
      model: "gpt-4.1-mini",
      apiKey: secretKey,
      baseURL: undefined,
      prices: { inputPerMillion: 0.4, outputPerMillion: 1.6 },
    });
  });

  it("takes the model from --model over CONVERGENT_LLM_MODEL, and prices a dated snapshot as its family", () => {
    expect(resolveLlmConfig({ OPENAI_API_KEY: secretKey, CONVERGENT_LLM_MODEL: "gpt-4o" })).toMatchObject({ model: "gpt-4o", prices: { inputPerMillion: 2.5 } });
    expect(resolveLlmConfig({ OPENAI_API_KEY: secretKey, CONVERGENT_LLM_MODEL: "gpt-4o" }, "gpt-4o-mini-2024-07-18")).toMatchObject({
      model: "gpt-4o-mini-2024-07-18",
      prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    });
    expect(resolveLlmConfig({ OPENAI_API_KEY: secretKey }, "my-fine-tune").prices).toBeUndefined();
  });

  it("uses Ollama's OpenAI-compatible /v1 endpoint with OLLAMA_BASE_URL, llama3.1 by default and no token cost", () => {
    const expected = { provider: "ollama", model: "llama3.1", apiKey: "ollama", baseURL: "http://localhost:11434/v1", prices: undefined };
    expect(resolveLlmConfig({ OLLAMA_BASE_URL: "http://localhost:11434" })).toEqual(expected);
    expect(resolveLlmConfig({ OLLAMA_BASE_URL: "http://localhost:11434/" })).toEqual(expected);
    expect(resolveLlmConfig({ OLLAMA_BASE_URL: "http://localhost:11434/v1" })).toEqual(expected);
    expect(resolveLlmConfig({ OLLAMA_BASE_URL: "http://gpu-box:11434", CONVERGENT_LLM_MODEL: "qwen2.5:7b" })).toMatchObject({ model: "qwen2.5:7b", baseURL: "http://gpu-box:11434/v1" });
  });

  it("prefers OpenAI when both are set, and counts empty values as unset", () => {
    expect(resolveLlmConfig({ OPENAI_API_KEY: secretKey, OLLAMA_BASE_URL: "http://localhost:11434" }).provider).toBe("openai");
    expect(resolveLlmConfig({ OPENAI_API_KEY: "  ", OLLAMA_BASE_URL: "http://localhost:11434" }).provider).toBe("ollama");
  });

  it("throws an INVALID_INPUT error naming both variables when neither is set", () => {
    for (const env of [{}, { OPENAI_API_KEY: "", OLLAMA_BASE_URL: "" }]) {
      let caught: unknown;
      try {
        resolveLlmConfig(env);
      } catch (error) {
        caught = error;
      }
      expect(isConvergentError(caught) && caught.code).toBe("INVALID_INPUT");
      expect((caught as Error).message).toMatch(/OPENAI_API_KEY.*OLLAMA_BASE_URL/);
    }
  });

  it("names the malformed setting without echoing the key", () => {
    expect(() => resolveLlmConfig({ OLLAMA_BASE_URL: "localhost:11434" })).toThrow(/^OLLAMA_BASE_URL: must be an http\(s\) URL/);
    expect(() => resolveLlmConfig({ OPENAI_API_KEY: secretKey }, "gpt 4")).toThrow(/^--model: must be a model name without spaces/);
    try {
      resolveLlmConfig({ OPENAI_API_KEY: secretKey, CONVERGENT_LLM_MODEL: "two words" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^CONVERGENT_LLM_MODEL: /);
      expect((error as Error).message).not.toContain(secretKey);
    }
  });
});

describe("modelErrorLine", () => {
  it("turns LangChain's authentication error into one line naming the model, without the key or the troubleshooting link", () => {
    const error = new Error(
      `401 Incorrect API key provided: sk-proj-********************abcd. You can find your API key at https://platform.openai.com/account/api-keys.\n\nTroubleshooting URL: https://docs.langchain.com/oss/javascript/langchain/errors/MODEL_AUTHENTICATION/\n`,
    );
    expect(modelErrorLine("gpt-4.1-mini (OpenAI)", error)).toBe(
      "gpt-4.1-mini (OpenAI): 401 Incorrect API key provided: sk-…. You can find your API key at https://platform.openai.com/account/api-keys.",
    );
  });

  it("adds the innermost cause of a network error and removes secrets wherever they appear", () => {
    const error = new Error("Connection error.", { cause: new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:11434") }) });
    expect(modelErrorLine("llama3.1 (Ollama at http://127.0.0.1:11434/v1)", error)).toBe("llama3.1 (Ollama at http://127.0.0.1:11434/v1): Connection error. (connect ECONNREFUSED 127.0.0.1:11434)");
    const leaky = new Error(`bad request with key ${secretKey}`);
    expect(modelErrorLine("m", leaky, { secrets: [secretKey] })).toBe("m: bad request with key [redacted]");
    expect(modelErrorLine("m", new Error("x".repeat(1000)))).toHaveLength("m: ".length + 300);
  });

  it("words a zod error from parsing the reply (as ChatOpenAI's JSON-schema mode throws it) by path and message", () => {
    const parsed = z.object({ mapping: z.array(z.string()), change: z.string() }).safeParse({ change: 3 });
    expect(parsed.success).toBe(false);
    expect(modelErrorLine("qwen2.5:7b (Ollama at http://127.0.0.1:11434/v1)", parsed.error)).toBe(
      "qwen2.5:7b (Ollama at http://127.0.0.1:11434/v1): the reply does not match the output schema: mapping: Invalid input: expected array, received undefined; change: Invalid input: expected string, received number",
    );
  });
});

describe("the chat-model agents of demo --llm", () => {
  it("cover every demo kind but the bid controller, which keeps its program agent", () => {
    const kinds = llmTaskSpecs.map((s) => s.kind).sort();
    expect(kinds).toEqual(["code.fix-test", "data.normalize", "i18n.translate", "ops.schedule"]);
    expect(programAgentKinds.map((p) => p.kind)).toEqual(["ads.bid-tuning"]);
  });

  it("ask for output schemas that strict JSON-schema modes accept: every property required, no open objects, no bounds", () => {
    const walk = (node: unknown, path: string, found: string[]) => {
      if (node === null || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      if (n["type"] === "object") {
        const props = Object.keys((n["properties"] as object) ?? {});
        if (n["additionalProperties"] !== false) found.push(`${path}: additionalProperties`);
        if (JSON.stringify([...((n["required"] as string[]) ?? [])].sort()) !== JSON.stringify([...props].sort())) found.push(`${path}: required`);
      }
      for (const bound of ["minimum", "maximum", "minItems", "maxItems", "minLength", "maxLength", "pattern", "format", "propertyNames"]) {
        if (bound in n) found.push(`${path}: ${bound}`);
      }
      for (const [key, value] of Object.entries(n)) walk(value, `${path}.${key}`, found);
    };
    for (const spec of llmTaskSpecs) {
      const found: string[] = [];
      walk(z.toJSONSchema(spec.outputSchema), spec.kind, found);
      expect(found).toEqual([]);
    }
  });

  it("fail an attempt with one line naming the model and the field when the reply is off the schema", async () => {
    const model = structuredFakeModel().respond(
      new AIMessageChunk({ content: "", tool_calls: [{ name: "slug_pipeline", args: { pipeline: [{ op: "slugify-everything", n: null }], change: "?" }, id: "c", type: "tool_call" }] }),
    );
    const agent = chatModelTaskAgent(llmTaskSpecs[0]!, { model, label: "gpt-4.1-mini (OpenAI)" });
    const attempt = agent.attempt({ task: demoTask("code.fix-test"), attempt: 1, direction: null, feedback: [], previousOutput: null, idempotencyKey: "k" });
    await expect(attempt).rejects.toThrow(/^gpt-4\.1-mini \(OpenAI\): the model's output does not match outputSchema: pipeline\.0\.op: [^\n]+$/);
  });

  it("build ChatOpenAI for Ollama without calling it: the model, the key Ollama ignores, a bounded timeout and retries", () => {
    const model = createChatOpenAiModel(resolveLlmConfig({ OLLAMA_BASE_URL: "http://localhost:11434" }));
    expect([model.model, model.apiKey, model.timeout]).toEqual(["llama3.1", "ollama", 120_000]);
    // LangChain's AsyncCaller does the retrying; its setting is protected, so it is read through a cast.
    expect((model.caller as unknown as { maxRetries: number }).maxRetries).toBe(2);
  });
});

describe("convergent demo --llm, end to end with LangChain's fake chat model", () => {
  it("sends each structured reply to the real sandbox and the sandbox's feedback back to the model, until the runs converge", async () => {
    let seen: LlmConfig | undefined;
    const model = scriptedModel(convergingScript);
    const { code, text, row } = await demoWith((config) => {
      seen = config;
      return model;
    });

    expect(code).toBe(0);
    expect(seen).toMatchObject({ provider: "openai", model: "gpt-4.1-mini" });
    expect(text).toContain("run by the chat model gpt-4.1-mini (OpenAI) against real sandboxes; runs kept in memory:.");
    expect(text).toContain("The model works on code.fix-test, data.normalize, ops.schedule, i18n.translate (priced at 0.4 / 1.6 USD per million input / output tokens).");
    expect(text).toContain("ads.bid-tuning keeps its program agent (bid-controller): a dynamic controller on a drifting market");
    expect(text).not.toContain(secretKey);

    // Each run converges through the real sandbox: its error curve ends at 0 on the scripted attempt.
    expect(row("demo-fix-slugify")).toMatch(/ autonomous .* succeeded +2 +0\.0014 USD +sandbox test-suite passed attempt 2 \(errors [1-9]\d* → 0\)$/);
    expect(row("demo-normalize-crm")).toMatch(/ autonomous .* succeeded +2 .*sandbox schema-validator passed attempt 2 \(errors [1-9]\d* → 0\)$/);
    expect(row("demo-normalize-feed")).toMatch(/ autonomous .* succeeded +1 .*sandbox schema-validator passed attempt 1$/);
    expect(row("demo-schedule-week")).toMatch(/ autonomous .* succeeded +2 .*sandbox constraint-checker passed attempt 2 \(errors [1-9]\d* → 0\)$/);
    expect(row("demo-i18n-checkout")).toMatch(/ supervised .* waiting +2 .*attempt 2 passed its sandbox; waits for a reviewer's approval \(errors 2 → 0\)$/);
    // The bid controller is still the program agent: no model call, and the monitor still escalates it.
    expect(row("demo-bid-spring")).toMatch(/ autonomous .* waiting +3 .* escalated: errors grow ×[\d.]+ per attempt/);
    expect(model.calls.some((c) => textOf(c.messages).includes("Bring the spring campaign"))).toBe(false);

    // What the second call saw is what the real sandboxes wrote about the first reply.
    const slug = callsFor(model, "demo-fix-slugify");
    expect(slug).toHaveLength(2);
    expect(textOf(slug[0]!.messages)).not.toContain("Feedback so far");
    const second = textOf(slug[1]!.messages);
    expect(second).toContain("This is attempt 2.");
    expect(second).toMatch(/sandbox verdict on attempt 1 \(error \d+\): \d+ of 13 cases fail \(pipeline: trim → lowercase → replace-whitespace-with-dash\)/);
    expect(second).toContain('✗ slugify("Crème Brûlée") → expected "creme-brulee", got "crème-brûlée"');
    const i18n = textOf(model.calls.find((c) => textOf(c.messages).includes("This is attempt 2.") && textOf(c.messages).includes("Kind: i18n.translate"))!.messages);
    expect(i18n).toContain('strings["cart.title"]: deprecated term "Einkaufswagen": use "Warenkorb"');

    // 9 model calls at 1,200 tokens, priced as gpt-4.1-mini; the bid controller's 3 attempts cost 0.001 each.
    expect(model.callCount).toBe(9);
    expect(text).toMatch(/^ {2}runs +4 succeeded, 7 waiting for people \(1 escalated by the monitor\), 0 failed$/m);
    expect(text).toMatch(/^ {2}agent attempts +12 \(9 by gpt-4\.1-mini, 3 by program agents\), 10,800 tokens, 0\.0095 USD$/m);
    expect(text).not.toContain("model errors");
  });

  it("records model errors as failed attempts and shows each plainly, in one line naming the model, without the key or a stack", async () => {
    const model = structuredFakeModel().alwaysThrow(
      new Error(`401 Incorrect API key provided: ${secretKey.slice(0, 8)}****abcd.\n\nTroubleshooting URL: https://docs.langchain.com/oss/javascript/langchain/errors/MODEL_AUTHENTICATION/`),
    );
    const { code, text, row } = await demoWith(() => model);

    expect(code).toBe(1);
    const line = "gpt-4.1-mini (OpenAI): 401 Incorrect API key provided: sk-….";
    for (const [id, agent] of [
      ["demo-fix-slugify", "llm-slug-repair"],
      ["demo-normalize-crm", "llm-mapping"],
      ["demo-schedule-week", "llm-scheduler"],
      ["demo-i18n-checkout", "llm-translator"],
    ] as const) {
      // One failure is fed back for another try; the second in a row escalates.
      expect(row(id)).toMatch(new RegExp(` waiting +2 .* escalated: agent ${agent} failed: ${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    }
    expect(text).toMatch(new RegExp(`^ {2}model errors +recorded as failed attempts and escalated to people:\\n {26}${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    expect(text).not.toContain(secretKey.slice(0, 8));
    expect(text).not.toContain("Troubleshooting");
    expect(text).not.toMatch(/^\s+at /m);
    // The direction hint is for the run that diverged, not for the runs a model error stopped.
    expect(text).toMatch(/Redirect the diverging run: +convergent answer \S+ .*Halve your corrections/);
    expect(row("demo-bid-spring")).toMatch(/escalated: errors grow/);
  });
});
