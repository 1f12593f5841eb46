// ConvergeBench's report as Markdown: one table of every router, then the targets, the monitor, calibration and the shift.
import type { QualityReport } from "./qualityReport.js";

const pct = (x: number | null, digits = 1) => (x === null ? "—" : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null, digits = 2) => (x === null ? "—" : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const cell = (text: string) => text.replace(/\|/g, "\\|");

/**
 * Renders a quality report as Markdown (GitHub-flavoured tables).
 *
 * @example
 * ```ts
 * process.stdout.write(formatQualityMarkdown(runQualityBench({ tasks: 2000 })));
 * ```
 */
export function formatQualityMarkdown(report: QualityReport): string {
  const c = report.config;
  const lines: string[] = [
    `## ConvergeBench: routing quality`,
    "",
    `${c.tasks.toLocaleString("en-US")} test tasks from ${report.families.length} families (seed ${c.seed}), ${c.reps} realisations per expected cost, a person's minute at $${c.perMinute}; router calibrated on ${c.warmupTasks.toLocaleString("en-US")} warm-up tasks.`,
    "",
    "| router | F (stakes-weighted) | human load | min/task | tokens/task | $/task | J/task (expected) | regret/task | area | load for 95% | autonomous / supervised / human |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of report.routers) {
    const f = r.figures;
    const n = Math.max(1, f.routeMix.autonomous + f.routeMix.supervised + f.routeMix.human);
    lines.push(
      `| ${cell(r.name)} | ${pct(f.failure)} | ${pct(f.humanLoad)} | ${num(f.humanMinutesPerTask, 1)} | ${Math.round(f.tokensPerTask).toLocaleString("en-US")} | ${num(f.dollarsPerTask, 3)} | ${num(f.expectedCostPerTask, 0)} | ${num(r.regretPerTask, 0)} | ${num(r.area)} | ${pct(r.loadFor95)} | ${pct(f.routeMix.autonomous / n, 0)} / ${pct(f.routeMix.supervised / n, 0)} / ${pct(f.routeMix.human / n, 0)} |`,
    );
  }
  lines.push("", "### Targets", "", "| target | value | met |", "|---|---:|:---:|");
  for (const [, t] of Object.entries(report.targets)) lines.push(`| ${cell(t.target)} | ${num(t.value, 3)} | ${t.met ? "yes" : "**no**"} |`);
  const m = report.monitor;
  const cmp = report.comparisons;
  lines.push(
    "",
    "### Comparisons",
    "",
    `- vs random at F = ${pct(cmp.equalFailureVsRandom)}: random needs ${pct(cmp.randomLoadAtEqualFailure)} human load, the router ${pct(cmp.routerLoadVsRandom)} (${num(cmp.loadVsRandom)}× less).`,
    `- vs the A2I-style threshold (tuned: ${cmp.a2iThreshold}) at F = ${pct(cmp.equalFailureVsA2i)}: A2I needs ${pct(cmp.a2iLoadAtEqualFailure)}, the router ${pct(cmp.routerLoadVsA2i)} (${pct(cmp.loadVsA2i)} less).`,
    `- for reference, the oracle itself: ${num(cmp.oracleLoadVsRandom)}× less human load than random, ${pct(cmp.oracleLoadVsA2i)} less than A2I (each at its own failure rate).`,
    `- vs the oracle at the default price: failure ${cmp.failureGapToOracle >= 0 ? "+" : ""}${(cmp.failureGapToOracle * 100).toFixed(2)} points, ${num(cmp.minutesVsOracle)}× its human minutes.`,
    "",
    "### Where the regret comes from",
    "",
    "| family | tasks | regret/task | router: auto / sup / human | oracle: auto / sup / human |",
    "|---|---:|---:|---:|---:|",
    ...report.families.map((f) => {
      const mix = (m: { autonomous: number; supervised: number; human: number }) =>
        `${pct(m.autonomous / Math.max(1, f.tasks), 0)} / ${pct(m.supervised / Math.max(1, f.tasks), 0)} / ${pct(m.human / Math.max(1, f.tasks), 0)}`;
      return `| ${cell(f.name)} (${cell(f.description)}) | ${f.tasks} | ${num(f.regretPerTask, 0)} | ${mix(f.routerMix)} | ${mix(f.oracleMix)} |`;
    }),
    "",
    "### Monitor",
    "",
    `${m.loops.toLocaleString("en-US")} autonomous loops with feedback; ${m.diverging} diverged, ${m.converging} would pass within the budget.`,
    `Thresholds: the runtime's defaults (window 5), told the attempts left and the pass threshold as the runtime tells it for a sandbox that declares \`passError\`. Without \`passError\` (errors alone): delay ${num(m.runtimeDefaults.medianDetectionDelay, 1)}, ${num(m.runtimeDefaults.falseEscalationsPer100, 2)} false escalations per 100, ${pct(m.runtimeDefaults.wastedTokensReduction)} fewer tokens wasted.`,
    `Median detection delay ${num(m.medianDetectionDelay, 1)} attempts; ${num(m.falseEscalationsPer100, 2)} false escalations per 100 converging runs; tokens wasted on runs that did not pass: ${m.wastedTokens.monitor.toLocaleString("en-US")} with the monitor vs ${m.wastedTokens.fixedBudget.toLocaleString("en-US")} with a fixed ${c.maxAttempts}-attempt budget (${pct(m.wastedTokens.reduction)} fewer).`,
    "",
    "### Calibration (online stream, outcomes after the feedback latency)",
    "",
    "| outcomes | ECE (all tasks) | ECE (kinds with outcomes) | share of tasks in those kinds | stream task |",
    "|---:|---:|---:|---:|---:|",
    ...report.calibration.map((e) => `| ${e.outcomes} | ${num(e.ece, 3)} | ${num(e.eceObservedKinds, 3)} | ${pct(e.observedShare, 0)} | ${e.atTask ?? "—"} |`),
    "",
    "### Shift",
    "",
    `${cell(report.shift.change)} at task ${report.shift.at} of ${report.shift.tasks}. Regret per ${report.shift.family} task: ${num(report.shift.regretBefore, 1)} before, ${num(report.shift.regretJustAfter, 1)} just after, ${num(report.shift.regretAtEnd, 1)} at the end; back within ${num(report.shift.threshold === null ? null : report.shift.threshold * 1000, 1)} ‰ of the stakes (rolling ${report.shift.window} ${report.shift.family} tasks) after ${report.shift.recoveryTasks ?? "—"} tasks.`,
    "",
  );
  return `${lines.join("\n")}\n`;
}
