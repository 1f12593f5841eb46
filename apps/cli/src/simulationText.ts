// A simulation report for the terminal: one column per policy, then the tasks whose route changes and why.
import type { PolicySummary, RouteChange, SimulationReport } from "@convergent/router";
import { count, minutes, money, percent, policyLabel, routeText, signed } from "./format.js";
import type { Colors } from "./output.js";
import { boxTable } from "./table.js";

/** Which reasons to show for a task whose route changes. */
export type ReasonDetail = "first" | "differing";

/** Options of {@link formatSimulation}. */
export interface SimulationTextOptions {
  readonly colors: Colors;
  /** `first`: the first reason of each side; `differing` (default): every reason the other side does not give. */
  readonly reasons?: ReasonDetail;
}

/** What people's time costs in a summary: the part of the expected cost that is neither agent nor failures. */
export function peopleCost(policy: PolicySummary): number {
  return Math.max(0, policy.expectedCost - policy.agentCost - policy.expectedFailureCost);
}

/** Labels for the policies of a report, made unique when two share an id and version. */
export function policyLabels(report: SimulationReport): string[] {
  const labels = report.policies.map(policyLabel);
  if (labels.length === 2 && labels[0] === labels[1]) return report.policies.map((p) => `${policyLabel(p)} (${p.hash.slice(7, 15)})`);
  return labels;
}

/** The report's figures as a table: one column per policy, and a change column when comparing. */
export function formatSummaryTable(report: SimulationReport, colors: Colors): string {
  const policies = report.policies;
  const labels = policyLabels(report);
  const comparing = policies.length === 2 && policies[0]!.currency === policies[1]!.currency;
  const [a, b] = policies;
  const row = (name: string, value: (p: PolicySummary) => string, delta?: (a: PolicySummary, b: PolicySummary) => string): string[] => {
    const cells = [name, ...policies.map(value)];
    if (comparing) cells.push(delta === undefined || a === undefined || b === undefined ? "" : delta(a, b));
    return cells;
  };
  const mix = (route: "autonomous" | "supervised" | "human") =>
    row(
      routeText(route, colors),
      (p) => `${count(p.routeMix[route])} (${percent(p.routeMix[route], p.tasks)})`,
      (x, y) => signed(y.routeMix[route] - x.routeMix[route], count),
    );
  const costRow = (name: string, f: (p: PolicySummary) => number) =>
    row(
      name,
      (p) => money(f(p), p.currency),
      (x, y) => signed(f(y) - f(x), (v) => money(v, y.currency)),
    );
  const rows = [
    row("tasks", (p) => count(p.tasks)),
    mix("autonomous"),
    mix("supervised"),
    mix("human"),
    row(
      "human minutes",
      (p) => minutes(p.humanMinutes),
      (x, y) => signed(y.humanMinutes - x.humanMinutes, minutes),
    ),
    costRow("agent cost", (p) => p.agentCost),
    costRow("people's time", peopleCost),
    costRow("expected failure cost", (p) => p.expectedFailureCost),
    costRow("expected cost", (p) => p.expectedCost),
  ];
  if (policies.some((p) => p.explored > 0)) rows.push(row("explored", (p) => count(p.explored)));
  const head = ["", ...labels];
  if (comparing) head.push("change");
  return boxTable({ head, rows, align: ["left", ...policies.map(() => "right" as const), "right"] }, colors);
}

/** The tasks whose route changes, each with the reasons of both sides. */
export function formatChanges(report: SimulationReport, options: SimulationTextOptions): string {
  const { colors } = options;
  const detail = options.reasons ?? "differing";
  if (report.policies.length < 2) return "";
  const [labelA, labelB] = policyLabels(report) as [string, string];
  if (report.changedCount === 0) return `No task changes route between ${labelA} and ${labelB}.\n`;
  const width = Math.max(labelA.length, labelB.length) + 1;
  const shown = report.changed.length < report.changedCount ? ` (the first ${count(report.changed.length)} shown)` : "";
  const lines = [
    `${count(report.changedCount)} task${report.changedCount === 1 ? "" : "s"} change${report.changedCount === 1 ? "s" : ""} route from ${labelA} to ${labelB}${shown}:`,
  ];
  for (const change of report.changed) {
    lines.push("");
    lines.push(`  ${colors.bold(change.taskId)}  ${colors.cyan(change.kind)}  ${routeText(change.from, colors)} → ${routeText(change.to, colors)}`);
    const { from, to } = reasonsToShow(change, detail);
    const side = (label: string, reasons: readonly string[]) => {
      reasons.forEach((reason, i) => lines.push(`    ${colors.dim((i === 0 ? `${label}:` : "").padEnd(width))} ${reason}`));
    };
    side(labelA, from);
    side(labelB, to);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The reasons to show for one change: the first of each side, or every reason the other side does not
 * give (the shared ones do not explain the change).
 */
export function reasonsToShow(change: RouteChange, detail: ReasonDetail): { from: readonly string[]; to: readonly string[] } {
  const { from, to } = change.reasons;
  if (detail === "first") return { from: from.slice(0, 1), to: to.slice(0, 1) };
  const inTo = new Set(to);
  const inFrom = new Set(from);
  const differ = (list: readonly string[], other: Set<string>) => {
    const out = list.filter((r) => !other.has(r));
    return out.length > 0 ? out : list.slice(0, 1);
  };
  return { from: differ(from, inTo), to: differ(to, inFrom) };
}

/** The whole report: the table, then the changes. */
export function formatSimulation(report: SimulationReport, options: SimulationTextOptions): string {
  const changes = formatChanges(report, options);
  return `${formatSummaryTable(report, options.colors)}\n${changes === "" ? "" : `\n${changes}`}`;
}
