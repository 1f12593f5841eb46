// `ops.schedule` for a chat model: it proposes the whole schedule as data — meeting, start slot, room — and the
// constraint checker judges it.
import { z } from "zod";
import { defineLlmTaskSpec, sharedInstructions } from "../llm/spec.js";

/** The structured output asked of the model. */
export const scheduleLlmOutputSchema = z
  .object({
    schedule: z
      .array(
        z.object({
          meeting: z.string().describe("a meeting id from the input"),
          start: z.string().describe('the first slot, exactly as labelled in input.slots ("Mon 09:00")'),
          room: z.string().describe("a room id from the input"),
        }),
      )
      .describe("one entry per meeting"),
    change: z.string().describe("what changed since the previous attempt and why, in one sentence"),
  })
  .describe("A schedule for every meeting");

/** The spec of the chat-model agent for `ops.schedule`. */
export const scheduleLlmSpec = defineLlmTaskSpec({
  kind: "ops.schedule",
  agentName: "llm-scheduler",
  outputName: "meeting_schedule",
  instructions: [
    "You schedule the task's meetings into its slots and rooms.",
    "A meeting of duration d takes d consecutive slots of one day, from its start slot. The constraint checker requires: every meeting scheduled exactly once; a room's capacity at least the meeting's number of participants; every participant available in every slot the meeting takes (people missing from input.availability can attend any slot); nobody in two meetings at once; no room holding two meetings at once.",
    "It lists each violated constraint, naming the meeting.",
    sharedInstructions,
  ].join("\n"),
  outputSchema: scheduleLlmOutputSchema,
  toSandboxOutput: (reply) => ({ schedule: reply.schedule, change: reply.change }),
});
