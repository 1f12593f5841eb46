import { providerStrategy, toolStrategy } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { structuredOutputToolNames } from "./structuredOutput.js";

describe("structuredOutputToolNames", () => {
  const answer = z.object({ summary: z.string() });

  it("names a titled zod schema, a JSON Schema's title and a function definition by what LangChain binds", () => {
    expect([...structuredOutputToolNames(answer.meta({ title: "Answer" }))]).toEqual(["Answer"]);
    expect([...structuredOutputToolNames({ title: "Invoice", type: "object", properties: { total: { type: "number" } } })]).toEqual(["Invoice"]);
    expect([...structuredOutputToolNames({ name: "Report", parameters: { type: "object", properties: {} } })]).toEqual(["Report"]);
  });

  it("names every tool of a toolStrategy and of a list", () => {
    const names = structuredOutputToolNames([...toolStrategy(answer.meta({ title: "A" })), ...toolStrategy(answer.meta({ title: "B" }))]);
    expect([...names].sort()).toEqual(["A", "B"]);
  });

  it("names nothing for a provider strategy, no format, or an untitled schema (LangChain answers those calls itself)", () => {
    expect(structuredOutputToolNames(providerStrategy(answer)).size).toBe(0);
    expect(structuredOutputToolNames(undefined).size).toBe(0);
    expect(structuredOutputToolNames(answer).size).toBe(0);
  });
});
