// The scheduling problem of an `ops.schedule` task as data — slots, rooms, meetings, people's availability — and
// the constraint checker both the sandbox (to judge) and the solver (to search) use.
import { z } from "zod";

const id = z.string().min(1).max(100);

/** The `input` of an `ops.schedule` task. */
export const scheduleInputSchema = z
  .strictObject({
    /** Time slots in order, labelled `Day HH:MM` (`Mon 09:00`); a meeting takes consecutive slots of one day. */
    slots: z.array(z.string().regex(/^\S+ \d{1,2}:\d{2}$/, { message: 'must be a label such as "Mon 09:00"' })).min(1).max(500),
    rooms: z.array(z.strictObject({ id, capacity: z.number().int().min(1) })).min(1).max(100),
    meetings: z
      .array(z.strictObject({ id, duration: z.number().int().min(1).max(24).default(1), participants: z.array(id).min(1).max(100) }))
      .min(1)
      .max(200),
    /** The slots each person can attend; people not listed can attend any slot. */
    availability: z.record(id, z.array(z.string())).default({}),
  })
  .superRefine((input, ctx) => {
    const slots = new Set(input.slots);
    const unique = (values: readonly string[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: "custom", path: [...path, i], message: `duplicate ${what} "${v}"` });
        seen.add(v);
      });
    };
    unique(input.slots, ["slots"], "slot");
    unique(input.rooms.map((r) => r.id), ["rooms"], "room id");
    unique(input.meetings.map((m) => m.id), ["meetings"], "meeting id");
    for (const [person, list] of Object.entries(input.availability)) {
      list.forEach((s, i) => {
        if (!slots.has(s)) ctx.addIssue({ code: "custom", path: ["availability", person, i], message: `unknown slot "${s}"` });
      });
    }
  });

/** The input of an `ops.schedule` task. */
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

/** Where and when one meeting takes place. */
export const assignmentSchema = z.strictObject({ meeting: z.string(), start: z.string(), room: z.string() });

/** One meeting's place in a schedule. */
export type Assignment = z.infer<typeof assignmentSchema>;

/** A schedule: the solver's output. */
export const scheduleSchema = z.array(assignmentSchema).max(1000);

/** One broken constraint; `meetings` are the meetings it involves (the first is the one it is reported on). */
export interface Violation {
  readonly kind: "unscheduled" | "invalid" | "overrun" | "capacity" | "unavailable" | "person-overlap" | "room-overlap";
  readonly meetings: readonly string[];
  readonly text: string;
}

/** The day of a slot label (`Mon 09:00` → `Mon`). */
export function dayOf(slot: string): string {
  return slot.slice(0, slot.indexOf(" "));
}

/** The slot indexes a meeting occupies when it starts at `start`, or undefined when it runs past the day's last slot. */
export function occupied(input: ScheduleInput, start: number, duration: number): number[] | undefined {
  const day = dayOf(input.slots[start]!);
  const out: number[] = [];
  for (let i = start; i < start + duration; i++) {
    if (i >= input.slots.length || dayOf(input.slots[i]!) !== day) return undefined;
    out.push(i);
  }
  return out;
}

/** A schedule with its slots resolved, as the checker works on it. */
interface Placed {
  readonly meeting: ScheduleInput["meetings"][number];
  readonly room: ScheduleInput["rooms"][number];
  readonly slots: readonly number[];
}

/**
 * Checks a schedule against every constraint: each meeting scheduled once at a known slot and room, within one
 * day, in a room big enough, when all its people are available, with no person or room in two meetings at once.
 *
 * @example
 * ```ts
 * violations(input, [{ meeting: "standup", start: "Mon 09:00", room: "Ada" }]).length; // 0 when all is well
 * ```
 */
export function violations(input: ScheduleInput, schedule: readonly Assignment[]): Violation[] {
  const out: Violation[] = [];
  const meetings = new Map(input.meetings.map((m) => [m.id, m]));
  const rooms = new Map(input.rooms.map((r) => [r.id, r]));
  const slotIndex = new Map(input.slots.map((s, i) => [s, i]));
  const available = new Map(Object.entries(input.availability).map(([p, list]) => [p, new Set(list)]));
  const placed: Placed[] = [];
  const seen = new Set<string>();
  for (const a of schedule) {
    const meeting = meetings.get(a.meeting);
    if (meeting === undefined) {
      out.push({ kind: "invalid", meetings: [a.meeting], text: `meeting ${a.meeting}: no such meeting` });
      continue;
    }
    if (seen.has(a.meeting)) {
      out.push({ kind: "invalid", meetings: [a.meeting], text: `meeting ${a.meeting}: scheduled more than once` });
      continue;
    }
    seen.add(a.meeting);
    const room = rooms.get(a.room);
    const start = slotIndex.get(a.start);
    if (room === undefined || start === undefined) {
      out.push({ kind: "invalid", meetings: [a.meeting], text: `meeting ${a.meeting}: ${room === undefined ? `no room "${a.room}"` : `no slot "${a.start}"`}` });
      continue;
    }
    const slots = occupied(input, start, meeting.duration);
    if (slots === undefined) {
      out.push({ kind: "overrun", meetings: [a.meeting], text: `meeting ${a.meeting}: ${meeting.duration} slots from ${a.start} run past the end of ${dayOf(a.start)}` });
      continue;
    }
    if (meeting.participants.length > room.capacity) {
      out.push({ kind: "capacity", meetings: [a.meeting], text: `meeting ${a.meeting}: room ${room.id} holds ${room.capacity}, the meeting has ${meeting.participants.length} people` });
    }
    for (const person of meeting.participants) {
      const free = available.get(person);
      const busy = free === undefined ? undefined : slots.find((s) => !free.has(input.slots[s]!));
      if (busy !== undefined) out.push({ kind: "unavailable", meetings: [a.meeting], text: `meeting ${a.meeting}: ${person} is not available at ${input.slots[busy]}` });
    }
    placed.push({ meeting, room, slots });
  }
  for (const m of input.meetings) if (!seen.has(m.id)) out.push({ kind: "unscheduled", meetings: [m.id], text: `meeting ${m.id}: not scheduled` });
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i]!;
      const b = placed[j]!;
      const overlap = a.slots.find((s) => b.slots.includes(s));
      if (overlap === undefined) continue;
      const at = input.slots[overlap]!;
      if (a.room.id === b.room.id) {
        out.push({ kind: "room-overlap", meetings: [a.meeting.id, b.meeting.id], text: `meeting ${a.meeting.id}: room ${a.room.id} is double-booked with ${b.meeting.id} at ${at}` });
      }
      for (const person of a.meeting.participants) {
        if (b.meeting.participants.includes(person)) {
          out.push({ kind: "person-overlap", meetings: [a.meeting.id, b.meeting.id], text: `meeting ${a.meeting.id}: ${person} is double-booked with ${b.meeting.id} at ${at}` });
        }
      }
    }
  }
  return out;
}
