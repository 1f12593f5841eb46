// A decision explained for a person reading a terminal: route, score, what limited it, costs, rules and reasons.
import { type Decision, type Task, axisWords, routes } from "@convergent/router";
import { money, routeText } from "./format.js";
import type { Colors } from "./output.js";

/** What {@link explainDecision} needs besides the decision. */
export interface ExplainContext {
  /** The task decided (for its title). */
  readonly task: Task;
  /** The policy's currency; decisions carry costs as plain numbers. */
  readonly currency: string;
  /** Colours (identity functions when output is not a terminal). */
  readonly colors: Colors;
}

/**
 * Explains one decision in a few lines:
 *
 * ```text
 * c01  code.fix-test  Make parseDate accept ISO week dates
 *   route     autonomous  (convergence 0.89, limited by rule closure)
 *   expected  autonomous 0.46 USD · supervised 5.52 USD · human 32.50 USD
 *   rules     none
 *   reasons   · Autonomous: expected cost 0.46 USD (vs supervised 5.52 USD, human 32.50 USD).
 * ```
 */
export function explainDecision(decision: Decision, context: ExplainContext): string {
  const { task, currency, colors } = context;
  const label = (name: string) => colors.dim(name.padEnd(9));
  const c = decision.convergence;
  const limited = c.limitingAxis === null ? "nothing limits it" : `limited by ${axisWords[c.limitingAxis]}`;
  const costs = routes
    .map((r) => {
      const text = `${r} ${money(decision.expectedCost[r], currency)}`;
      if (r === decision.route) return colors.bold(text);
      return decision.allowedRoutes.includes(r) ? text : colors.dim(`${text} (forbidden)`);
    })
    .join(" · ");
  const lines = [
    `${colors.bold(decision.taskId)}  ${colors.cyan(decision.kind)}  ${task.title}`,
    `  ${label("route")} ${colors.bold(routeText(decision.route, colors))}  (convergence ${c.score.toFixed(2)}, ${limited})`,
    `  ${label("expected")} ${costs}`,
    `  ${label("rules")} ${decision.rules.length === 0 ? colors.dim("none") : decision.rules.join(", ")}`,
  ];
  decision.reasons.forEach((reason, i) => {
    lines.push(`  ${label(i === 0 ? "reasons" : "")} · ${reason}`);
  });
  return `${lines.join("\n")}\n`;
}
