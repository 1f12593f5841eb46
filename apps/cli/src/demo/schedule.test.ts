// ops.schedule: the constraint checker, its sandbox and the min-conflicts agent converging on a real runtime.
import type { Task } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { createMinConflictsAgent } from "./schedule/agent.js";
import { type Assignment, type ScheduleInput, scheduleInputSchema, violations } from "./schedule/model.js";
import { createConstraintCheckerSandbox } from "./schedule/sandbox.js";
import { demoRuntime, demoTask, errorCurve } from "./testing.js";

const task = demoTask("ops.schedule");
const input: ScheduleInput = scheduleInputSchema.parse(task.input);

const small: ScheduleInput = scheduleInputSchema.parse({
  slots: ["Mon 09:00", "Mon 10:00", "Tue 09:00"],
  rooms: [{ id: "A", capacity: 2 }, { id: "B", capacity: 4 }],
  meetings: [
    { id: "x", duration: 2, participants: ["ana", "ben", "cy"] },
    { id: "y", duration: 1, participants: ["ana"] },
  ],
  availability: { cy: ["Mon 09:00", "Tue 09:00"] },
});

const verify = (t: Task, output: unknown) => createConstraintCheckerSandbox().verify({ task: t, attempt: 1, output: output as never, idempotencyKey: "k" });

describe("the constraint checker", () => {
  it("finds each kind of violated constraint", () => {
    const kinds = (schedule: Assignment[]) => violations(small, schedule).map((v) => v.kind);
    expect(kinds([{ meeting: "x", start: "Tue 09:00", room: "B" }])).toEqual(["overrun", "unscheduled"]);
    expect(kinds([{ meeting: "x", start: "Mon 09:00", room: "A" }, { meeting: "y", start: "Mon 10:00", room: "A" }])).toEqual([
      "capacity",
      "unavailable",
      "room-overlap",
      "person-overlap",
    ]);
    expect(kinds([{ meeting: "x", start: "Mon 09:00", room: "B" }, { meeting: "x", start: "Tue 09:00", room: "B" }, { meeting: "z", start: "Mon 09:00", room: "B" }, { meeting: "y", start: "Mon 11:00", room: "B" }])).toEqual([
      "unavailable",
      "invalid",
      "invalid",
      "invalid",
    ]);
    expect(violations(small, [{ meeting: "y", start: "Tue 09:00", room: "A" }, { meeting: "x", start: "Mon 09:00", room: "B" }]).map((v) => v.text)).toEqual([
      "meeting x: cy is not available at Mon 10:00",
    ]);
  });

  it("rejects an input whose availability names unknown slots, naming the field", () => {
    expect(scheduleInputSchema.safeParse({ ...small, availability: { ana: ["Wed 09:00"] } }).success).toBe(false);
  });
});

describe("the constraint-checker sandbox", () => {
  it("passes with error 0 exactly when every constraint holds", async () => {
    const good: Assignment[] = [
      { meeting: "standup", start: "Mon 09:00", room: "Lovelace" },
      { meeting: "planning", start: "Mon 10:00", room: "Hopper" },
      { meeting: "design-review", start: "Mon 13:00", room: "Lovelace" },
      { meeting: "1on1-ana-ben", start: "Mon 12:00", room: "Lovelace" },
      { meeting: "hiring-sync", start: "Tue 10:00", room: "Lovelace" },
      { meeting: "retro", start: "Tue 09:00", room: "Hopper" },
      { meeting: "budget", start: "Mon 15:00", room: "Hopper" },
    ];
    expect(await verify(task, { schedule: good })).toMatchObject({ passed: true, error: 0 });
    const clash = await verify(task, { schedule: good.map((a) => (a.meeting === "retro" ? { ...a, start: "Mon 09:00" } : a)) });
    expect(clash.passed).toBe(false);
    expect(clash.error).toBe(4);
    expect(clash.feedback).toContain("meeting standup: ana is double-booked with retro at Mon 09:00");
  });

  it("counts every meeting as unscheduled when the schedule cannot be read", async () => {
    expect(await verify(task, { schedule: "Monday" })).toMatchObject({ passed: false, error: input.meetings.length });
  });

  it("rejects a task input that is not a scheduling problem, naming the field", async () => {
    await expect(verify({ ...task, input: { ...input, slots: ["monday morning"] } }, { schedule: [] })).rejects.toThrow(
      'ops.schedule task demo-schedule-week: input.slots[0]: must be a label such as "Mon 09:00"',
    );
  });
});

describe("the min-conflicts agent on a real runtime", () => {
  it("converges on the demo week, a few moves per attempt", async () => {
    const { runtime, store } = demoRuntime([createMinConflictsAgent()], [createConstraintCheckerSandbox()]);
    const run = await runtime.submit(task);
    expect(run).toMatchObject({ status: "succeeded", route: "autonomous", attempts: 3, tokens: 0 });
    expect(await errorCurve(store, run.runId)).toEqual([26, 4, 0]);
    expect(violations(input, (run.output as { schedule: Assignment[] }).schedule)).toEqual([]);
  });

  it("converges one move at a time too, more slowly", async () => {
    const { runtime, store } = demoRuntime([createMinConflictsAgent({ movesPerAttempt: 1 })], [createConstraintCheckerSandbox()]);
    const run = await runtime.submit(task);
    expect(run.status).toBe("succeeded");
    const curve = await errorCurve(store, run.runId);
    expect(curve.length).toBeGreaterThan(3);
    expect(curve.length).toBeLessThanOrEqual(8);
  });

  it("keeps a person's direction: the slots they free stay free", async () => {
    const agent = createMinConflictsAgent();
    const result = await agent.attempt({ task, attempt: 1, direction: "Keep Monday free. No meetings before 10:00, and have fun", feedback: [], previousOutput: null, idempotencyKey: "k" });
    const output = result.output as { schedule: Assignment[]; direction: { applied: string[]; ignored: string[] } };
    expect(output.direction.applied).toEqual(["keep Monday free (8 slots)", "no meetings before 10:00 (2 slots)"]);
    expect(output.direction.ignored).toEqual(["have fun"]);
    for (const a of output.schedule) {
      expect(a.start.startsWith("Mon")).toBe(false);
      expect(a.start.endsWith("09:00")).toBe(false);
    }
  });
});
