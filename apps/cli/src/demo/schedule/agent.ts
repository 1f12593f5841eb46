// The `ops.schedule` agent: min-conflicts local search. Attempt 1 places every meeting on its own (the earliest
// slot and the smallest room where its people are free, ignoring the other meetings); each later attempt takes the
// meetings the checker named in the most violations and moves each to the slot and room with the fewest conflicts —
// a few moves per attempt, so the schedule improves attempt by attempt under the checker's eye.
import type { Agent, AttemptInput, AttemptResult } from "@convergent/runtime";
import { type ClauseRule, applyDirection } from "../shared/directions.js";
import { latestSandboxFeedback } from "../shared/feedback.js";
import { parseOutput, parseTaskInput } from "../shared/input.js";
import { computeUsage } from "../shared/usage.js";
import { type Assignment, type ScheduleInput, occupied, scheduleInputSchema, violations } from "./model.js";
import { scheduleOutputSchema } from "./sandbox.js";

/** What a person's direction rules out or pins down. */
interface ScheduleConstraints {
  /** Slot indexes the agent must not use. */
  readonly avoid: Set<number>;
  /** meeting → room a person named. */
  readonly rooms: Map<string, string>;
}

/** A place for a meeting. */
interface Value {
  readonly start: number;
  readonly room: string;
}

function minutes(slot: string): number {
  const m = /(\d{1,2}):(\d{2})$/.exec(slot);
  return m === null ? 0 : Number(m[1]) * 60 + Number(m[2]);
}

function directionRules(input: ScheduleInput): ClauseRule<ScheduleConstraints>[] {
  const byTime = (test: (min: number) => boolean) => input.slots.flatMap((s, i) => (test(minutes(s)) ? [i] : []));
  return [
    (clause, c) => {
      const m = /\b(?:no meetings?|nothing|avoid meetings?)\s+(before|after)\s+(\d{1,2})(?::(\d{2}))?/i.exec(clause);
      if (m === null) return null;
      const limit = Number(m[2]) * 60 + Number(m[3] ?? 0);
      const before = m[1]!.toLowerCase() === "before";
      const hit = byTime((min) => (before ? min < limit : min >= limit));
      for (const i of hit) {
        c.avoid.add(i);
        // A meeting that starts earlier but runs into the forbidden time is caught by `fits` below.
      }
      return `no meetings ${before ? "before" : "from"} ${m[2]}:${m[3] ?? "00"} (${hit.length} slots)`;
    },
    (clause, c) => {
      const m = /\b(?:put|hold|book)\s+(?:meeting\s+)?["“]?([\w-]+)["”]?\s+in\s+(?:room\s+)?["“]?([\w-]+)["”]?/i.exec(clause);
      if (m === null || !input.meetings.some((x) => x.id === m[1]) || !input.rooms.some((r) => r.id === m[2])) return null;
      c.rooms.set(m[1]!, m[2]!);
      return `${m[1]} in room ${m[2]}`;
    },
    (clause, c) => {
      const m = /\b(?:avoid|keep|no meetings? (?:on|at|during))\s+(.+?)(?:\s+free)?$/i.exec(clause);
      if (m === null) return null;
      const want = m[1]!.toLowerCase().replace(/^(?:the\s+)?/, "");
      const day = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*(?:\s+(.*))?$/.exec(want);
      const hit = input.slots.flatMap((s, i) => {
        const label = s.toLowerCase();
        const ok = day !== null ? label.startsWith(day[1]!) && (day[2] === undefined || label.includes(day[2])) : label.includes(want);
        return ok ? [i] : [];
      });
      if (hit.length === 0) return null;
      for (const i of hit) c.avoid.add(i);
      return `keep ${m[1]} free (${hit.length} slot${hit.length === 1 ? "" : "s"})`;
    },
  ];
}

/** Options of {@link createMinConflictsAgent}. */
export interface MinConflictsAgentOptions {
  readonly name?: string;
  readonly kinds?: readonly string[];
  /** Meetings moved per attempt (2 by default). */
  readonly movesPerAttempt?: number;
}

/**
 * Creates the min-conflicts scheduling agent for `ops.schedule`. Deterministic: ties go to the earliest slot and
 * the first room, and a meeting just moved is not moved again at once (a one-attempt tabu). Directions it
 * understands: "no meetings before 10:00", "keep Tue 16:00 free", "avoid Monday", "put planning in room Hopper".
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ router, store, agents: [createMinConflictsAgent()], sandboxes: [createConstraintCheckerSandbox()] });
 * ```
 */
export function createMinConflictsAgent(options: MinConflictsAgentOptions = {}): Agent {
  const moves = options.movesPerAttempt ?? 2;
  return {
    name: options.name ?? "min-conflicts",
    kinds: options.kinds ?? ["ops.schedule", "ops.schedule.*"],
    async attempt(input: AttemptInput): Promise<AttemptResult> {
      const task = parseTaskInput(scheduleInputSchema, input.task);
      const constraints: ScheduleConstraints = { avoid: new Set(), rooms: new Map() };
      const direction = applyDirection(input.direction, constraints, directionRules(task));
      const rooms = [...task.rooms].sort((a, b) => a.capacity - b.capacity);

      /** Every place a meeting may go under the person's constraints. */
      const domain = (meetingId: string): Value[] => {
        const meeting = task.meetings.find((m) => m.id === meetingId)!;
        const pinned = constraints.rooms.get(meetingId);
        const out: Value[] = [];
        task.slots.forEach((_, start) => {
          const slots = occupied(task, start, meeting.duration);
          if (slots === undefined || slots.some((s) => constraints.avoid.has(s))) return;
          for (const room of rooms) if (pinned === undefined || room.id === pinned) out.push({ start, room: room.id });
        });
        return out;
      };
      const place = (schedule: readonly Assignment[], meeting: string, v: Value): Assignment[] =>
        schedule.map((a) => (a.meeting === meeting ? { meeting, start: task.slots[v.start]!, room: v.room } : a));
      const conflictsOf = (schedule: readonly Assignment[], meeting: string) => violations(task, schedule).filter((v) => v.meetings.includes(meeting)).length;

      const previous = parseOutput(scheduleOutputSchema, input.previousOutput);
      const changes: string[] = [];
      let schedule: Assignment[];
      let lastMoved: string[] = [];
      if (previous.ok && previous.value.schedule.length === task.meetings.length) {
        schedule = [...previous.value.schedule];
        const prevMoved = (input.previousOutput as { moved?: unknown } | null)?.moved;
        if (Array.isArray(prevMoved)) lastMoved = prevMoved.filter((m): m is string => typeof m === "string");
      } else {
        // Greedy start: each meeting alone at its first place without unary violations (or the least bad one).
        schedule = [];
        for (const m of task.meetings) {
          const values = domain(m.id);
          let best: Value | undefined;
          let bestCost = Number.POSITIVE_INFINITY;
          for (const v of values) {
            const alone: Assignment[] = [{ meeting: m.id, start: task.slots[v.start]!, room: v.room }];
            const cost = violations({ ...task, meetings: [m] }, alone).length;
            if (cost < bestCost) {
              best = v;
              bestCost = cost;
              if (cost === 0) break;
            }
          }
          if (best !== undefined) schedule.push({ meeting: m.id, start: task.slots[best.start]!, room: best.room });
        }
        changes.push(`placed ${schedule.length} meetings one by one, each at its earliest free place, ignoring the others`);
      }

      const moved: string[] = [];
      const latest = latestSandboxFeedback(input.feedback);
      if (latest !== undefined && changes.length === 0) {
        // Meetings the checker named, most violations first; input order breaks ties.
        const named = new Map<string, number>();
        const count = (id: string) => named.set(id, (named.get(id) ?? 0) + 1);
        for (const line of latest.message.split("\n")) {
          const m = /^meeting (\S+?):/.exec(line);
          if (m === null) continue;
          count(m[1]!);
          const other = / double-booked with (\S+) at /.exec(line);
          if (other !== null) count(other[1]!);
        }
        const order = task.meetings.map((m) => m.id).filter((id) => named.has(id));
        order.sort((a, b) => named.get(b)! - named.get(a)!);
        const picks = [...order.filter((id) => !lastMoved.includes(id)), ...order.filter((id) => lastMoved.includes(id))];
        for (const id of picks) {
          if (moved.length >= moves) break;
          const current = schedule.find((a) => a.meeting === id);
          if (current === undefined) continue;
          const before = conflictsOf(schedule, id);
          let best: Value | undefined;
          let bestCost = Number.POSITIVE_INFINITY;
          for (const v of domain(id)) {
            if (task.slots[v.start] === current.start && v.room === current.room) continue;
            const cost = conflictsOf(place(schedule, id, v), id);
            if (cost < bestCost) {
              best = v;
              bestCost = cost;
            }
          }
          if (best === undefined || bestCost > before) continue;
          schedule = place(schedule, id, best);
          moved.push(id);
          changes.push(`moved ${id} to ${task.slots[best.start]} in ${best.room} (${before} → ${bestCost} conflicts)`);
        }
        if (moved.length === 0) changes.push("no move lowers any named meeting's conflicts");
      }
      return {
        output: {
          schedule,
          moved,
          changes,
          direction: { text: direction.text, applied: direction.applied, ignored: direction.ignored },
        },
        usage: computeUsage,
      };
    },
  };
}
