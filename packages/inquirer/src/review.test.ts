import { type PolicyInput, type Task, createRouter } from "@convergent/router";
import { createMemoryStore, createRuntime } from "@convergent/runtime";
import { functionSandbox, manualClock, scriptedAgent } from "@convergent/runtime/testing";
import { confirm, editor, input, select } from "@inquirer/prompts";
import { render } from "@inquirer/testing";
import { describe, expect, it } from "vitest";
import { describeCheckpoint, errorCurveText } from "./display.js";
import type { ReviewPrompts } from "./prompts.js";
import { reviewCheckpoint, reviewInbox } from "./review.js";

const policy: PolicyInput = {
  id: "test",
  version: 1,
  reviewers: [
    { id: "ada", roles: ["reviewer"] },
    { id: "lin", roles: ["reviewer"] },
    { id: "sam", roles: ["support"] },
  ],
  rules: [{ id: "eyes", when: { kind: "math.*" }, route: "supervised" }],
  checkpoints: { deadlineSec: 3600, onTimeout: { action: "fail" } },
};

const task = (id: string, target = 42): Task => ({
  id,
  kind: "math.guess",
  title: `Find ${target}`,
  input: { target },
  signals: { feedbackLatencySec: 1, ruleClosure: 1, driftHalfLifeSec: null, horizonSec: 600 },
  stakes: { cost: 10, reversible: true },
});

function setup(outputs = [40, 42]) {
  const clock = manualClock();
  const store = createMemoryStore({ clock });
  const agent = scriptedAgent({ kinds: ["math.*"], outputs: outputs.map((guess) => ({ guess })) });
  const sandbox = functionSandbox({
    kinds: ["math.*"],
    closure: 1,
    score: (output, input) => Math.abs((output as { guess: number }).guess - (input.task.input as { target: number }).target),
  });
  const runtime = createRuntime({ router: createRouter({ policy }), store, agents: [agent], sandboxes: [sandbox], clock });
  return { runtime, store, agent, clock };
}

type Rendered = Awaited<ReturnType<typeof render>>;
type Step = (screen: Rendered) => void | Promise<void>;

/**
 * Real @inquirer/prompts rendered with @inquirer/testing; each prompt the review asks plays the next
 * scripted step (keystrokes) against it. `editor` (which spawns $EDITOR) is scripted as plain texts.
 */
function scripted(steps: Step[], editorTexts: string[] = []) {
  const screens: string[] = [];
  const editorCalls: Array<{ default?: string }> = [];
  const play = async <V>(rendered: { answer: Promise<V> } & Rendered): Promise<V> => {
    const step = steps.shift();
    if (step === undefined) throw new Error("no scripted step left for this prompt");
    await step(rendered);
    screens.push(rendered.getScreen());
    return rendered.answer;
  };
  const prompts: ReviewPrompts = {
    select: async (config) => play(await render(select, { ...config, choices: [...config.choices] } as never)) as never,
    input: async (config) => play(await render(input, config)),
    confirm: async (config) => play(await render(confirm, config)),
    editor: async (config) => {
      editorCalls.push(config);
      const text = editorTexts.shift();
      if (text === undefined) throw new Error("no scripted editor text left");
      void editor; // the real editor needs a terminal editor; its config (default, validate) is checked instead
      return text;
    },
  };
  return { prompts, screens, editorCalls, remaining: () => steps.length };
}

const enter: Step = ({ events }) => events.keypress("enter");
/** Lets the prompt re-render between keys (its state updates land on the next turn of the event loop). */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const down =
  (n: number): Step =>
  async ({ events }) => {
    for (let i = 0; i < n; i++) {
      events.keypress("down");
      await tick();
    }
    events.keypress("enter");
  };
const typeLine =
  (text: string): Step =>
  async ({ events }) => {
    events.type(text);
    await tick();
    events.keypress("enter");
  };

describe("reviewCheckpoint", () => {
  it("shows the checkpoint and approves a review, which completes the run", async () => {
    const { runtime } = setup([42]);
    const run = await runtime.submit(task("a-1"));
    const checkpoint = run.openCheckpoints[0]!;
    let shown = "";
    const script = scripted([enter /* approve */, enter /* confirm yes */]);
    const outcome = await reviewCheckpoint({ runtime, checkpoint, reviewer: "ada", prompts: script.prompts, write: (t) => (shown += t), now: checkpoint.openedAt });
    expect(outcome.status).toBe("answered");
    expect(outcome.message).toMatch(/Answered .* as ada \(approve\)\. Run .* succeeded/);
    expect((await runtime.getRun(run.runId))?.status).toBe("succeeded");
    expect(shown).toContain("Find 42  [a-1, math.guess]");
    expect(shown).toContain("Why it came to a person:");
    expect(shown).toContain("#1: passed, error 0");
    expect(shown).toContain("Question:");
    expect(shown).toMatch(/Deadline: .*\(in 60 min\)/);
    expect(shown).toContain('"guess": 42');
    expect(script.screens[0]).toContain("approve — accept this result");
  });

  it("rejects with a message; the agent's next attempt gets it as feedback", async () => {
    const { runtime, agent } = setup([42, 42]);
    const run = await runtime.submit(task("r-1"));
    const checkpoint = run.openCheckpoints[0]!;
    const emptyThenMessage: Step = async (screen) => {
      screen.events.keypress("enter"); // an empty reason: the prompt re-asks with the validation message
      await tick();
      await tick();
      expect(screen.getScreen()).toMatch(/must not be empty|required/i);
      await typeLine("Aim two higher")(screen);
    };
    const script = scripted([down(2) /* reject */, emptyThenMessage]);
    let shown = "";
    const outcome = await reviewCheckpoint({ runtime, checkpoint, reviewer: "ada", prompts: script.prompts, write: (t) => (shown += t) });
    expect(outcome.status).toBe("answered");
    expect(shown).toContain("#1: passed, error 0");
    expect(shown).toContain("Error curve: ▁  0");
    expect(agent.calls[1]!.feedback.at(-1)).toEqual({ attempt: 1, source: "reviewer", message: "Aim two higher" });
    if (outcome.status === "answered") expect(outcome.result.run.status).toBe("waiting");
    expect(script.remaining()).toBe(0);
  });

  it("re-asks an edit that is not valid JSON, showing why", async () => {
    const { runtime } = setup([42]);
    const run = await runtime.submit(task("e-1"));
    const checkpoint = run.openCheckpoints[0]!;
    const script = scripted([down(1) /* edit */, down(1) /* edit again */], ["{ guess: 43", '{ "guess": 43 }']);
    let shown = "";
    const outcome = await reviewCheckpoint({ runtime, checkpoint, reviewer: "ada", prompts: script.prompts, write: (t) => (shown += t) });
    expect(shown).toMatch(/Not a valid answer: editedOutput: not valid JSON/);
    expect(script.editorCalls).toHaveLength(2);
    expect(script.editorCalls[0]!.default).toContain('"guess": 42');
    // The real editor prompt re-asks in place with the same message.
    const validate = (script.editorCalls[0] as { validate: (v: string) => string | true }).validate;
    expect(validate("{ guess: 42")).toMatch(/^not valid JSON/);
    expect(validate('{"guess":42}')).toBe(true);
    expect(outcome.status).toBe("answered");
    expect((await runtime.getRun(run.runId))).toMatchObject({ status: "succeeded", output: { guess: 43 } });
  });

  it("shows a conflict plainly when someone else answered first", async () => {
    const { runtime } = setup([42]);
    const run = await runtime.submit(task("c-1"));
    const checkpoint = run.openCheckpoints[0]!;
    const script = scripted([enter, enter]);
    const pending = reviewCheckpoint({ runtime, checkpoint, reviewer: "ada", prompts: script.prompts, write: () => {} });
    await runtime.answer(checkpoint.id, { type: "reject", message: "no" }, "lin", { continue: false });
    const outcome = await pending;
    expect(outcome).toMatchObject({ status: "conflict" });
    expect(outcome.message).toMatch(/already answered by lin/);
  });

  it("says who answered, without asking anything, when given the id of a checkpoint that is already answered", async () => {
    const { runtime } = setup([42]);
    const run = await runtime.submit(task("c-2"));
    const id = run.openCheckpoints[0]!.id;
    await runtime.answer(id, { type: "reject", message: "no" }, "lin", { continue: false });
    const script = scripted([]);
    const outcome = await reviewCheckpoint({ runtime, checkpoint: id, reviewer: "ada", prompts: script.prompts, write: () => {} });
    expect(outcome).toMatchObject({ status: "conflict" });
    expect(outcome.message).toMatch(new RegExp(`checkpoint ${id} was already answered \\(reject\\) by lin at `));
    const missing = await reviewCheckpoint({ runtime, checkpoint: "run-nope:cp1", reviewer: "ada", prompts: script.prompts, write: () => {} });
    expect(missing).toEqual({ status: "invalid", message: "no checkpoint run-nope:cp1" });
  });

  it("returns FORBIDDEN as a message for a reviewer without the role", async () => {
    const { runtime } = setup([42]);
    const run = await runtime.submit(task("f-1"));
    const script = scripted([enter, enter]);
    const outcome = await reviewCheckpoint({ runtime, checkpoint: run.openCheckpoints[0]!, reviewer: "sam", prompts: script.prompts, write: () => {} });
    expect(outcome.status).toBe("forbidden");
    expect(outcome.message).toMatch(/sam may not answer/);
  });

  it("writes nothing when the reviewer presses Ctrl-C", async () => {
    const { runtime, store } = setup([42]);
    const run = await runtime.submit(task("x-1"));
    const before = (await store.readRun(run.runId)).length;
    const script = scripted([down(2) /* reject */, ({ events }) => events.keypress({ name: "c", ctrl: true })]);
    const outcome = await reviewCheckpoint({ runtime, checkpoint: run.openCheckpoints[0]!, reviewer: "ada", prompts: script.prompts, write: () => {} });
    expect(outcome).toEqual({ status: "cancelled", message: "cancelled" });
    expect(await store.readRun(run.runId)).toHaveLength(before);
    expect((await runtime.getRun(run.runId))?.status).toBe("waiting");
  });
});

describe("describeCheckpoint", () => {
  it("shows an escalation: the monitor's reason, the attempts' errors and the error curve", async () => {
    const { runtime } = setup([30, 36, 39, 40, 40, 40]);
    const run = await runtime.submit(task("s-1"));
    const checkpoint = run.openCheckpoints[0]!;
    expect(checkpoint.purpose).toBe("escalation");
    const text = describeCheckpoint({ checkpoint, run: await runtime.inspect(run.runId), now: checkpoint.openedAt });
    expect(text.match(/Escalated/g)).toHaveLength(1);
    expect(text).toContain("#1: failed, error 12");
    // The monitor calls it flat once its window of 5 attempts is flat.
    expect(text).toContain("Error curve: █▅▃▂▂▂▂▂  12 → 6 → 3 → 2 → 2 → 2 → 2 → 2");
    expect(text).toContain("Answers: answer, direction, approve, reject");
  });
});

describe("reviewInbox", () => {
  it("says there is nothing to review when the inbox is empty", async () => {
    const { runtime } = setup();
    expect(await reviewInbox({ runtime, reviewer: "ada", prompts: scripted([]).prompts })).toEqual({ status: "empty", message: "nothing to review" });
  });

  it("lists the reviewer's checkpoints oldest deadline first and reviews the chosen one", async () => {
    const { runtime, clock } = setup([42]);
    const first = await runtime.submit(task("i-1", 42));
    clock.advance(60_000);
    await runtime.submit(task("i-2", 42));
    const script = scripted([enter /* the oldest deadline */, enter, enter]);
    const outcome = await reviewInbox({ runtime, reviewer: "ada", prompts: script.prompts, write: () => {} });
    expect(script.screens[0]!.indexOf("Find 42")).toBeGreaterThan(-1);
    expect(outcome.status).toBe("answered");
    if (outcome.status === "answered") expect(outcome.result.runId).toBe(first.runId);
    expect(await reviewInbox({ runtime, reviewer: "sam", prompts: scripted([]).prompts })).toMatchObject({ status: "empty" });
  });
});

describe("errorCurveText", () => {
  it("charts the errors scaled to the largest, then lists them", () => {
    expect(errorCurveText([32, 12, 2, 0])).toBe("█▄▁▁  32 → 12 → 2 → 0");
    expect(errorCurveText([])).toBe("");
  });
});
