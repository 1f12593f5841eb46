// The Decision: the router's output, explainable and reproducible (DESIGN.md §4, §7).
import { z } from "zod";
import { routeSchema } from "./taskSchema.js";

const axisSchema = z.enum(["feedbackLatency", "ruleClosure", "environmentDrift"]);
const sourceSchema = z.enum(["declared", "sandbox", "imputed", "estimated", "default"]);

const resolvedSignal = <T extends z.ZodType>(value: T) =>
  z.object({ value, source: sourceSchema, note: z.string().optional() });

const axisExplanationSchema = z.object({
  headroom: z.number().describe("How much the score would rise if this axis were ideal."),
  explanation: z.string(),
});

const routeEstimateSchema = z.object({
  failureProbability: z.number(),
  agentCost: z.number(),
  humanMinutes: z.number(),
  failureCost: z.number(),
  total: z.number(),
});

/** The scorer's result as it appears in a decision. */
export const convergenceSchema = z.object({
  score: z.number().min(0).max(1),
  errorFactor: z.number().nullable().describe("ρ, the error factor per feedback cycle; null when feedback never arrives."),
  cycles: z.number().describe("Feedback cycles available within the horizon and the attempt budget."),
  residualError: z.number(),
  limitingAxis: axisSchema.nullable(),
  axes: z.object({
    feedbackLatency: axisExplanationSchema,
    ruleClosure: axisExplanationSchema,
    environmentDrift: axisExplanationSchema,
  }),
  summary: z.string(),
  scorerVersion: z.string(),
});

/** The router's decision for one task. */
export const decisionSchema = z
  .object({
    taskId: z.string(),
    kind: z.string(),
    route: routeSchema,
    convergence: convergenceSchema,
    signals: z.object({
      feedbackLatencySec: resolvedSignal(z.number().nullable()),
      ruleClosure: resolvedSignal(z.number()),
      driftHalfLifeSec: resolvedSignal(z.number().nullable()),
      horizonSec: resolvedSignal(z.number()),
    }),
    stakes: z.object({
      cost: z.number(),
      reversible: z.boolean(),
      effective: z.number().describe("cost × the policy's irreversible multiplier when not reversible"),
      source: z.enum(["declared", "default", "partly declared"]),
    }),
    attempts: z.number().describe("Expected agent attempts."),
    expectedCost: z.object({ autonomous: z.number(), supervised: z.number(), human: z.number() }),
    estimates: z.object({ autonomous: routeEstimateSchema, supervised: routeEstimateSchema, human: routeEstimateSchema }),
    allowedRoutes: z.array(routeSchema),
    forbidden: z.array(z.object({ route: routeSchema, by: z.string().describe("rule:<id> or guard:<route>.<field>") })),
    rules: z.array(z.string()).describe("Ids of the rules that matched."),
    forcedBy: z.string().nullable().describe("Id of the rule that forced the route, or null when cost chose it."),
    assigneeRoles: z.array(z.string()).describe("Roles that may answer this task's checkpoints."),
    deadlineSec: z.number().describe("Deadline of this task's checkpoints."),
    explored: z.boolean().describe("True when exploration routed the task one step more autonomous."),
    shadow: z
      .boolean()
      .describe("True when the agent also attempts this human-route task, blind, while a person does it (policy shadow); its result is never used, only compared with the person's and learned from."),
    reasons: z.array(z.string()),
    policy: z.object({ id: z.string(), version: z.number(), hash: z.string() }),
    calibration: z.object({
      snapshotId: z.string(),
      agentObservations: z.number(),
      humanObservations: z.number(),
      modelFailure: z.number().describe("The convergence model's P(agent fails) before calibration; pass it back as Outcome.modelFailure."),
      agentFailure: z.number().describe("P(agent fails) after calibration: what the route estimates use."),
      approvedFailure: z
        .number()
        .describe(
          "P(the agent's result is wrong | a reviewer approved it): the calibrated mean weighed by the kind's review catch rate. Pass it back as Outcome.failureShare with an `approved` outcome.",
        ),
    }),
  })
  .describe("The router's decision for one task.");

/** The router's decision for one task. */
export type Decision = z.infer<typeof decisionSchema>;
