import { isConvergentError } from "@convergent/router";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type HeldCall, matchDecisions, toolDecisionTypes } from "./toolCallDecisions.js";

const emailSchema = {
  type: "object",
  properties: { to: { type: "string", format: "email" }, body: { type: "string", minLength: 1 } },
  required: ["to", "body"],
  additionalProperties: false,
};

const heldArb = fc
  .uniqueArray(fc.stringMatching(/^call_[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 6 })
  .map((ids): HeldCall[] => ids.map((toolCallId, i) => ({ toolCallId, name: `tool_${i % 3}`, allowedDecisions: toolDecisionTypes })));

const noSchema = () => undefined;

describe("matchDecisions", () => {
  it("pairs decisions named by id with their calls in any order", () => {
    fc.assert(
      fc.property(
        heldArb.chain((held) => fc.tuple(fc.constant(held), fc.shuffledSubarray(held, { minLength: held.length, maxLength: held.length }))),
        ([held, order]) => {
          const decisions = order.map((c) => ({ type: "respond" as const, toolCallId: c.toolCallId, message: `for ${c.toolCallId}` }));
          const paired = matchDecisions(held, { decisions }, noSchema);
          for (const call of held) expect(paired.get(call.toolCallId)).toMatchObject({ message: `for ${call.toolCallId}` });
        },
      ),
    );
  });

  it("pairs decisions without ids by position, and refuses a count that does not match", () => {
    fc.assert(
      fc.property(heldArb, fc.integer({ min: 1, max: 8 }), (held, n) => {
        const decisions = Array.from({ length: n }, (_, i) => ({ type: "reject" as const, message: `#${i}` }));
        if (n !== held.length) {
          expect(() => matchDecisions(held, { decisions }, noSchema)).toThrow(/decision\(s\) for .* held tool call\(s\)/);
          return;
        }
        const paired = matchDecisions(held, { decisions }, noSchema);
        held.forEach((call, i) => expect(paired.get(call.toolCallId)).toMatchObject({ message: `#${i}` }));
      }),
    );
  });

  it("answers anything that is not a valid resume with an INVALID_ANSWER, never another error", () => {
    fc.assert(
      fc.property(heldArb, fc.anything(), (held, resume) => {
        try {
          matchDecisions(held, resume, noSchema);
        } catch (error) {
          expect(isConvergentError(error) && error.code).toBe("INVALID_ANSWER");
        }
      }),
    );
    fc.assert(
      fc.property(heldArb, fc.array(fc.record({ type: fc.constantFrom("approve", "edit", "reject", "respond", "ok"), toolCallId: fc.option(fc.string(), { nil: undefined }) })), (held, decisions) => {
        try {
          matchDecisions(held, { decisions }, noSchema);
        } catch (error) {
          expect(isConvergentError(error) && error.code).toBe("INVALID_ANSWER");
        }
      }),
    );
  });

  it("names the call, the unknown id, a duplicate, a missing decision and a mix of named and unnamed", () => {
    const held: HeldCall[] = [
      { toolCallId: "a", name: "send_email", allowedDecisions: ["approve", "reject"] },
      { toolCallId: "b", name: "refund", allowedDecisions: ["respond", "reject"] },
    ];
    expect(() => matchDecisions(held, { decisions: [{ type: "approve", toolCallId: "zz" }, { type: "reject", toolCallId: "b" }] }, noSchema)).toThrow(
      'resume.decisions[0].toolCallId: no held tool call has id "zz" (held: a, b)',
    );
    expect(() => matchDecisions(held, { decisions: [{ type: "approve", toolCallId: "a" }, { type: "reject", toolCallId: "a" }] }, noSchema)).toThrow(
      "resume.decisions[1].toolCallId: a second decision for tool call a",
    );
    expect(() => matchDecisions(held, { decisions: [{ type: "approve", toolCallId: "a" }] }, noSchema)).toThrow("no decision for tool call b (refund)");
    expect(() => matchDecisions(held, { decisions: [{ type: "approve", toolCallId: "a" }, { type: "reject" }] }, noSchema)).toThrow(
      "1 of 2 decisions name a toolCallId",
    );
    expect(() => matchDecisions(held, { decisions: [{ type: "approve" }, { type: "approve" }] }, noSchema)).toThrow(
      'resume.decisions[1] (tool call b (refund)): "approve" is not allowed here; allowed: respond, reject',
    );
  });

  it("checks edited arguments against the tool's JSON Schema and refuses an edit to a tool the agent does not have", () => {
    const held: HeldCall[] = [{ toolCallId: "a", name: "send_email", allowedDecisions: ["edit"], argsSchema: emailSchema }];
    const edit = (name: string, args: Record<string, unknown>) => ({ decisions: [{ type: "edit", editedAction: { name, args } }] });
    expect(matchDecisions(held, edit("send_email", { to: "kim@example.com", body: "Hi" }), noSchema).get("a")?.type).toBe("edit");
    expect(() => matchDecisions(held, edit("send_email", { to: "kim@example.com", body: "Hi", bcc: "x" }), noSchema)).toThrow(/do not fit the tool's schema/);
    expect(() => matchDecisions(held, edit("send_email", { to: "kim@example.com" }), noSchema)).toThrow(/do not fit the tool's schema/);
    expect(() => matchDecisions(held, edit("delete_account", { id: 1 }), noSchema)).toThrow(
      'resume.decisions[0] (tool call a (send_email)).editedAction.name: "delete_account" is not a tool this agent has',
    );
  });
});
