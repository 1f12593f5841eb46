// The tool names LangChain binds for an agent's structured output (`responseFormat` with the tool strategy).
// A call to one of these is the agent's answer, which LangChain parses itself; every other call is tool use.
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { ProviderStrategy, ToolStrategy } from "langchain";

/**
 * The names of the structured-output tools LangChain registers for a `responseFormat` (as given to
 * `createAgent` or set on a model request): a `ToolStrategy`'s tool name, or a schema's `title`, which
 * LangChain uses as the tool's name. A `ProviderStrategy` binds no tool. A schema without a title gets a
 * name LangChain generates for each model call (`extract-<n>`), which no one else can know; LangChain
 * answers those calls itself before any tool could run them, and anything else with such a name is routed
 * like every other call.
 */
export function structuredOutputToolNames(responseFormat: unknown): ReadonlySet<string> {
  const names = new Set<string>();
  const visit = (format: unknown): void => {
    if (format === undefined || format === null || typeof format !== "object") return;
    if (Array.isArray(format)) {
      for (const item of format) visit(item);
      return;
    }
    if (format instanceof ProviderStrategy) return;
    if (format instanceof ToolStrategy) {
      names.add(format.name);
      return;
    }
    if ("__responseFormatUndefined" in format) return;
    const definition = format as { name?: unknown; parameters?: unknown };
    if (typeof definition.name === "string" && typeof definition.parameters === "object" && definition.parameters !== null) {
      names.add(definition.name);
      return;
    }
    try {
      const title = (toJsonSchema(format as Parameters<typeof toJsonSchema>[0]) as { title?: unknown }).title;
      if (typeof title === "string") names.add(title);
    } catch {
      // Not a schema LangChain can read either: it binds no structured-output tool for it.
    }
  };
  visit(responseFormat);
  return names;
}
