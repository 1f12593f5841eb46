// `convergent demo --llm` as the built binary, without a model: the settings it needs are named plainly, with
// exit code 1 and no stack trace, and the key is never echoed. (The run with a model is tested with LangChain's
// fake chat model in src/demo/llm.test.ts; no test calls a network.)
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { binPath, workspace } from "./helpers.js";

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

/** Runs the CLI with exactly the LLM variables given (the test runner's own are removed). */
function demo(args: readonly string[], llmEnv: Record<string, string> = {}) {
  ws = workspace();
  const env: NodeJS.ProcessEnv = { ...process.env, ...llmEnv };
  for (const name of ["OPENAI_API_KEY", "OLLAMA_BASE_URL", "CONVERGENT_LLM_MODEL", "CONVERGENT_DEBUG", "FORCE_COLOR", "NO_COLOR"]) {
    if (!(name in llmEnv)) delete env[name];
  }
  const result = spawnSync(process.execPath, [binPath, "demo", ...args], { cwd: ws.dir, env, encoding: "utf8", input: "" });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("convergent demo --llm", () => {
  it("exits 1 naming OPENAI_API_KEY and OLLAMA_BASE_URL when neither is set, without a stack trace or a run", () => {
    const run = demo(["--llm", "--store", "memory:"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^convergent: demo --llm needs a model: set OPENAI_API_KEY \(OpenAI, default model gpt-4\.1-mini\) or OLLAMA_BASE_URL \(a local Ollama/);
    expect(run.stderr).toContain("--model or CONVERGENT_LLM_MODEL");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain("CONVERGENT_DEBUG");
    expect(run.stderr.trim().split("\n")).toHaveLength(2);
  });

  it("names a malformed setting without echoing the key", () => {
    const key = "sk-proj-NeverPrintMe0123456789";
    const run = demo(["--llm", "--store", "memory:"], { OPENAI_API_KEY: key, CONVERGENT_LLM_MODEL: "two words" });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("convergent: CONVERGENT_LLM_MODEL: must be a model name without spaces, such as gpt-4.1-mini or llama3.1\n");
    expect(run.stdout + run.stderr).not.toContain(key);
    const ollama = demo(["--llm", "--store", "memory:"], { OLLAMA_BASE_URL: "localhost:11434" });
    expect([ollama.code, ollama.stderr]).toEqual([1, "convergent: OLLAMA_BASE_URL: must be an http(s) URL such as http://localhost:11434\n"]);
  });

  it("treats --model without --llm as a usage error (exit 2)", () => {
    const run = demo(["--model", "gpt-4.1-mini", "--store", "memory:"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("convergent: --model chooses the model of --llm: add --llm (or leave --model out)\n");
  });

  it("lists --llm and --model in its help, with the variables it reads", () => {
    const run = demo(["--help"]);
    expect(run.code).toBe(0);
    // Commander wraps the help to the terminal's width: compare it with the line breaks taken out.
    const help = run.stdout.replace(/\s+/g, " ");
    expect(help).toContain("--llm let a real chat model do the agent-run tasks (needs OPENAI_API_KEY or OLLAMA_BASE_URL)");
    expect(help).toContain("--model <name> the model for --llm (default CONVERGENT_LLM_MODEL, else gpt-4.1-mini on OpenAI, llama3.1 on Ollama)");
  });
});
