import type { Task } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { buildMessages } from "./messages.js";

const task: Task = { id: "t", kind: "text.summary", title: "Summarise the memo", input: { words: 50 } };

describe("buildMessages", () => {
  it("sends only instructions and the task on a first attempt without direction", () => {
    const messages = buildMessages({ task, attempt: 1, direction: null, feedback: [], previousOutput: null, idempotencyKey: "k" }, { instructions: "Be brief." });
    expect(messages.map((m) => [m.type, m.text])).toEqual([
      ["system", "Be brief."],
      ["human", 'Task: Summarise the memo\nKind: text.summary\nInput (JSON):\n{\n  "words": 50\n}'],
    ]);
  });

  it("lists sandbox verdicts and reviewer messages with their attempt numbers, after the previous output", () => {
    const messages = buildMessages({
      task,
      attempt: 3,
      direction: "No bullet points",
      feedback: [
        { attempt: 1, source: "sandbox", message: "too long", error: 12 },
        { attempt: 2, source: "reviewer", message: "Mention the deadline" },
        { attempt: null, source: "reviewer", message: "Keep it formal" },
      ],
      previousOutput: "Draft two",
      idempotencyKey: "k",
    });
    expect(messages[0]!.text).toContain("Constraints from a person (they override anything else):\nNo bullet points");
    expect(messages[2]!.text).toBe(
      [
        "This is attempt 3.",
        'Your previous output (JSON):\n"Draft two"',
        "Feedback so far, oldest first:\n- sandbox verdict on attempt 1 (error 12): too long\n- reviewer on attempt 2: Mention the deadline\n- reviewer: Keep it formal",
        "Take the feedback into account and try again.",
      ].join("\n\n"),
    );
  });
});
