// `data.normalize` for a chat model: it proposes the whole field mapping as data — source keys and coercions from a
// fixed vocabulary — and the schema validator applies it with our interpreter.
import { z } from "zod";
import { defineLlmTaskSpec, sharedInstructions } from "../llm/spec.js";
import { transforms } from "./mapping.js";

/** What each coercion does, in words for the model. */
const transformDescriptions: Readonly<Record<(typeof transforms)[number], string>> = {
  trim: "remove leading and trailing whitespace",
  lowercase: "lower-case a string",
  "to-number": 'a numeric string to a number ("$1,249.99" → 1249.99; currency signs and thousands commas are dropped)',
  "to-boolean": "yes/no, y/n, true/false, 1/0, on/off, active/inactive (any case) to true or false",
  "to-string": "a number or boolean to a string",
  "to-iso-date": '"2024/01/15", "01/15/2024" (month first), "15.01.2024" (day first) or a timestamp to "2024-01-15"',
  "split-name-first": '"Ada Lovelace" or "Lovelace, Ada" → "Ada"',
  "split-name-last": '"Ada Lovelace" or "Lovelace, Ada" → "Lovelace"',
};

/** The structured output asked of the model. */
export const normalizeLlmOutputSchema = z
  .object({
    mapping: z
      .array(
        z.object({
          target: z.string().describe("a field of the target schema"),
          from: z.array(z.string()).describe("source keys to read, exactly as they appear in the records; the first one a record has wins"),
          transforms: z.array(z.enum(transforms)).describe("coercions applied in order; may be empty"),
        }),
      )
      .describe("one entry per target field"),
    change: z.string().describe("what changed since the previous attempt and why, in one sentence"),
  })
  .describe("A field mapping from the source records onto the target schema");

/** The spec of the chat-model agent for `data.normalize`. */
export const normalizeLlmSpec = defineLlmTaskSpec({
  kind: "data.normalize",
  agentName: "llm-mapping",
  outputName: "field_mapping",
  instructions: [
    "You write a field mapping that turns the task's source records into records of its target schema.",
    "The sandbox applies your mapping to every record and validates each result against the schema: a record may have only the target fields; string must be non-empty, integer a whole number, email an e-mail address, date an ISO date (YYYY-MM-DD); required fields must be present. It lists each issue as records[i].field: message.",
    "Source keys differ between records (e.g. \"E-mail\" and \"email\"): list every variant in `from`.",
    "The coercions:",
    ...transforms.map((t) => `- ${t}: ${transformDescriptions[t]}`),
    sharedInstructions,
  ].join("\n"),
  outputSchema: normalizeLlmOutputSchema,
  toSandboxOutput: (reply) => ({ mapping: reply.mapping, change: reply.change }),
});
