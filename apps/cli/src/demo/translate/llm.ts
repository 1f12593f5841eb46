// `i18n.translate` for a chat model: it translates the strings, and the glossary check verifies what is
// machine-checkable (placeholders, glossary terms, deprecated terms); a reviewer judges the rest.
import { z } from "zod";
import { defineLlmTaskSpec, sharedInstructions } from "../llm/spec.js";

/** The structured output asked of the model: a list of key/text pairs (strict schemas have no free-form records). */
export const translateLlmOutputSchema = z
  .object({
    translations: z
      .array(z.object({ key: z.string().describe("a key of input.strings, exactly"), text: z.string().describe("the translated string") }))
      .describe("one entry per source string"),
    change: z.string().describe("what changed since the previous attempt and why, in one sentence"),
  })
  .describe("The translated strings");

/** The spec of the chat-model agent for `i18n.translate`. */
export const translateLlmSpec = defineLlmTaskSpec({
  kind: "i18n.translate",
  agentName: "llm-translator",
  outputName: "translations",
  instructions: [
    "You translate the task's UI strings (input.strings, by key) from input.sourceLocale into input.targetLocale.",
    "The glossary check requires: every string translated; placeholders such as {name}, {{count}}, %s kept exactly; every glossary term (input.glossary: source term → target term) that a source string contains rendered in its translation as the glossary says, as a whole word; no deprecated term (input.deprecated: old term → its replacement). input.memory holds earlier translations you may reuse where they keep these rules.",
    "It lists each problem as strings[\"key\"]: message. Fluency and tone are judged by a reviewer afterwards.",
    sharedInstructions,
  ].join("\n"),
  outputSchema: translateLlmOutputSchema,
  toSandboxOutput: (reply) => {
    // Object.fromEntries defines own data properties, so a key such as "__proto__" stays a plain key.
    const translations = Object.fromEntries(reply.translations.map((t) => [t.key, t.text]));
    return { translations, change: reply.change };
  },
});
