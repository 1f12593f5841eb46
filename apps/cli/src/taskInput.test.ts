// Reading tasks: JSON Lines, pretty-printed documents and arrays, and the problems of bad lines.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type TaskInput, type TaskItem, readTasks } from "./taskInput.js";

const task = (id: string, extra: Record<string, unknown> = {}) => ({ id, kind: "code.fix-test", title: `task ${id}`, ...extra });

function inputOf(text: string, chunkSize = 7): TaskInput {
  // Small chunks so that lines arrive split across reads, as they do from a pipe.
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.slice(i, i + chunkSize));
  return { name: "in", stream: Readable.from(chunks), size: undefined, bytesRead: () => 0 };
}

async function read(text: string): Promise<{ items: TaskItem[]; tasks: number; invalid: number }> {
  const items: TaskItem[] = [];
  const summary = await readTasks(inputOf(text), (item) => items.push(item));
  return { items, ...summary };
}

const ids = (items: TaskItem[]) => items.filter((i) => i.ok).map((i) => (i.ok ? i.task.id : ""));
const problems = (items: TaskItem[]) => items.flatMap((i) => (i.ok ? [] : i.problems.map((p) => `${p.line ?? "-"}: ${p.path}: ${p.message}`)));

describe("readTasks", () => {
  it("reads JSON Lines, skipping blank lines and keeping line numbers", async () => {
    const { items, tasks, invalid } = await read(`${JSON.stringify(task("a"))}\n\n${JSON.stringify(task("b"))}\r\n`);
    expect(ids(items)).toEqual(["a", "b"]);
    expect(items.map((i) => i.line)).toEqual([1, 3]);
    expect([tasks, invalid]).toEqual([2, 0]);
  });

  it("reports each bad line with its number and goes on", async () => {
    const text = [JSON.stringify(task("a")), "{not json}", JSON.stringify(task("c", { stakes: { cost: -5 } })), JSON.stringify(task("d"))].join("\n");
    const { items, tasks, invalid } = await read(text);
    expect(ids(items)).toEqual(["a", "d"]);
    expect(problems(items)).toEqual([expect.stringMatching(/^2: : invalid JSON: /), "3: stakes.cost: must be ≥ 0"]);
    expect([tasks, invalid]).toEqual([2, 2]);
  });

  it("reads JSON Lines whose first line is broken line by line", async () => {
    const text = [`{"id": "a", "kind": }`, JSON.stringify(task("b"))].join("\n");
    const { items } = await read(text);
    expect(ids(items)).toEqual(["b"]);
    expect(problems(items)).toEqual([expect.stringMatching(/^1: : invalid JSON: /)]);
  });

  it("reads JSON Lines whose first line is truncated line by line", async () => {
    const text = [`{"id": "a", "kind": "code.x",`, JSON.stringify(task("b")), JSON.stringify(task("c"))].join("\n");
    const { items } = await read(text);
    expect(ids(items)).toEqual(["b", "c"]);
    expect(problems(items)).toEqual([expect.stringMatching(/^1: : invalid JSON: /)]);
  });

  it("reads one pretty-printed task", async () => {
    const { items } = await read(JSON.stringify(task("a", { signals: { ruleClosure: 0.5 } }), null, 2));
    expect(ids(items)).toEqual(["a"]);
  });

  it("reads a pretty-printed array and names bad elements by index", async () => {
    const { items } = await read(JSON.stringify([task("a"), task("b", { title: "" }), task("c")], null, 2));
    expect(ids(items)).toEqual(["a", "c"]);
    expect(problems(items)).toEqual(["-: [1].title: must not be empty"]);
  });

  it("reads a line holding an array of tasks", async () => {
    const { items } = await read(`${JSON.stringify([task("a"), task("b")])}\n${JSON.stringify(task("c"))}\n`);
    expect(ids(items)).toEqual(["a", "b", "c"]);
    expect(items.map((i) => i.line)).toEqual([1, 1, 2]);
  });

  it("reports a syntax error in a pretty-printed document once, at its line", async () => {
    const { items, invalid } = await read('{\n  "id": "a",\n  "kind": "code.x"\n  "title": "t"\n}\n');
    expect(invalid).toBe(1);
    expect(problems(items)).toEqual([expect.stringMatching(/^4: : invalid JSON: /)]);
  });

  it("ignores a byte order mark at the start of the input", async () => {
    const { items } = await read(`\uFEFF${JSON.stringify(task("a"))}\n${JSON.stringify(task("b"))}\n`);
    expect(ids(items)).toEqual(["a", "b"]);
  });

  it("reads nothing from empty input", async () => {
    const { items, tasks, invalid } = await read("\n  \n");
    expect(items).toEqual([]);
    expect([tasks, invalid]).toEqual([0, 0]);
  });
});
