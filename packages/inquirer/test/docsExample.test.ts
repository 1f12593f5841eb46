// docs/adapters/inquirer.md's examples are complete programs: this test type-checks them and runs them as written.
// The terminal example asks with the real @inquirer/prompts; @inquirer/testing renders them and types the keys.
import { fileURLToPath } from "node:url";
import { captureLog, docExample } from "@convergent/runtime/testing";
import type { render } from "@inquirer/testing";
import { afterAll, describe, expect, it, vi } from "vitest";

type Screen = Awaited<ReturnType<typeof render>>;
type Keys = (screen: Screen) => Promise<void>;

/** The keys to type at each prompt the example asks, in order, and what each prompt showed when it was done. */
const terminal = vi.hoisted(() => ({ keys: [] as Keys[], screens: [] as string[] }));

vi.mock("@inquirer/prompts", async (importOriginal) => {
  const real = await importOriginal<typeof import("@inquirer/prompts")>();
  const { render } = await import("@inquirer/testing");
  const play = async <V>(screen: Screen & { answer: Promise<V> }): Promise<V> => {
    const keys = terminal.keys.shift();
    if (keys === undefined) throw new Error(`no keys scripted for this prompt:\n${screen.getScreen()}`);
    await keys(screen);
    terminal.screens.push(screen.getFullOutput());
    return screen.answer;
  };
  return {
    ...real,
    select: async (config: Parameters<typeof real.select>[0]) => play(await render(real.select, config)),
    input: async (config: Parameters<typeof real.input>[0]) => play(await render(real.input, config)),
    confirm: async (config: Parameters<typeof real.confirm>[0]) => play(await render(real.confirm, config)),
    editor: async () => {
      throw new Error("the example is not expected to open an editor");
    },
  };
});

/** Lets a prompt re-render between keys (its state changes land on the next turn of the event loop). */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const enter: Keys = async ({ events }) => events.keypress("enter");
const down =
  (n: number): Keys =>
  async ({ events }) => {
    for (let i = 0; i < n; i++) {
      events.keypress("down");
      await tick();
    }
    events.keypress("enter");
  };

const docs = fileURLToPath(new URL("../../../docs/adapters/inquirer.md", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const inTerminal = docExample({ markdownPath: docs, name: "inquirer", packageDir });
const withPrompts = docExample({ markdownPath: docs, name: "inquirer-prompts", packageDir });

describe("docs/adapters/inquirer.md examples", () => {
  afterAll(() => {
    inTerminal.remove();
    withPrompts.remove();
  });

  it("type-check under strict settings", () => {
    expect(inTerminal.code).toContain("reviewCheckpoint({ runtime, checkpoint: run.openCheckpoints[0]!, reviewer: \"ada\" })");
    expect(inTerminal.typeCheck()).toBe("");
    expect(withPrompts.typeCheck()).toBe("");
  }, 60_000);

  it("reviews in the terminal: shows the checkpoint, re-asks an empty reason, rejects, then approves the redraft", async () => {
    terminal.keys.push(
      down(2), // Your answer: reject
      async (screen) => {
        screen.events.keypress("enter"); // an empty reason: the prompt stays and says why
        await tick();
        await tick();
        expect(screen.getScreen()).toContain("message: must not be empty");
        screen.events.type('Use "Jetzt bezahlen"');
        await tick();
        screen.events.keypress("enter");
      },
      enter, // Your answer: approve
      enter, // Approve attempt 2's output? Yes
    );
    let shown = "";
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((text: string | Uint8Array) => {
      shown += String(text);
      return true;
    });
    let lines: string[];
    try {
      lines = await captureLog(() => import(inTerminal.file));
    } finally {
      stdout.mockRestore();
    }

    expect(terminal.keys).toHaveLength(0);
    expect(terminal.screens[0]).toContain("reject — refuse, with a reason");
    expect(terminal.screens[1]).toContain('Use "Jetzt bezahlen"');
    expect(terminal.screens[3]).toContain("Approve attempt 2's output?");

    const [first, second] = shown.split(/(?=Translate the checkout button {2}\[)/);
    expect(first).toContain("Translate the checkout button  [ui-7, copy.translate]");
    expect(first).toMatch(/Checkpoint run-\w+:cp1: approve \(review\), attempt 1/);
    expect(first).toContain("Why it came to a person:");
    expect(first).toContain("rule copy-is-reviewed");
    expect(first).toContain("Route supervised, convergence 0.45, limited by rule closure.");
    expect(first).toContain("#1: passed, error 0 — fits the button");
    expect(first).toContain("Error curve: ▁  0");
    expect(first).toContain('"de": "Zahlen"');
    expect(first).toContain('Question: Approve attempt 1 for "Translate the checkout button"');
    expect(first).toMatch(/Deadline: \d{4}-\d\d-\d\dT.*Z \(in \d+ min\)/);
    expect(first).toContain("Answers: approve, edit, reject, respond");
    expect(second).toContain('"de": "Jetzt bezahlen"');

    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Answered run-\w+:cp1 as ada \(reject\)\. Run run-\w+ \(ui-7\) now waits at run-\w+:cp2 \(review\)\.$/);
    expect(lines[1]).toMatch(/^Answered run-\w+:cp2 as ada \(approve\)\. Run run-\w+ \(ui-7\) succeeded — approved by a reviewer\.$/);
    expect(lines[2]).toBe('succeeded {"de":"Jetzt bezahlen"}');
  });

  it("answers through scripted prompts: a missing role, the accepted answer, then a conflict", async () => {
    const lines = await captureLog(() => import(withPrompts.file));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^sam forbidden sam may not answer run-\w+:cp1: it needs the role finance, and sam has support$/);
    expect(lines[1]).toMatch(/^ada answered Answered run-\w+:cp1 as ada \(answer\)\. Run run-\w+ \(rf-9\) succeeded — done by a person\.$/);
    expect(lines[2]).toMatch(/^lin conflict checkpoint run-\w+:cp1 was already answered by ada at .*Z \(answer\); the first answer stands$/);
  });
});
