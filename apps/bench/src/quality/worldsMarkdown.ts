// ConvergeBench across worlds as Markdown: the targets, mean and worst figures per split and protocol, then one row per world.
import type { OnlineFigures, ProtocolFigures, SplitSummary, WorldsReport } from "./worldsReport.js";

const pct = (x: number | null, digits = 1) => (x === null ? "—" : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null, digits = 2) => (x === null ? "—" : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const cell = (text: string) => text.replace(/\|/g, "\\|");
const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
const short = { autonomous: "auto", supervised: "sup", human: "human" } as const;

function summaryRow(split: string, protocol: string, s: SplitSummary): string {
  return `| ${split} | ${protocol} | ${s.worlds} | ${num(s.gapRecovered.mean)} | ${num(s.gapRecovered.worst)} | ${num(s.perKindGapRecovered.mean)} | ${num(s.costRatio.mean, 3)} | ${num(s.costRatio.worst, 3)} | ${pct(s.humanLoad.mean)} | ${num(s.ece500.mean, 3)} | ${num(s.ece500.worst, 3)} |`;
}

function protocolCells(f: ProtocolFigures | OnlineFigures): string {
  const c = f.costPerTask;
  return `${num(c.router, 1)} | ${num(c.bestConstant, 1)} (${short[f.bestConstantRoute]}) | ${num(c.perKindConstant, 1)} | ${num(c.oracle, 1)} | ${num(f.gapRecovered)} | ${num(f.costRatio, 3)}`;
}

/**
 * Renders a report across worlds as Markdown (GitHub-flavoured tables).
 *
 * @example
 * ```ts
 * process.stdout.write(formatWorldsMarkdown(runWorldsBench(worldsBenchSizes.small)));
 * ```
 */
export function formatWorldsMarkdown(report: WorldsReport): string {
  const c = report.config;
  const lines: string[] = [
    "## ConvergeBench across worlds",
    "",
    `${c.heldOutSeeds.length} held-out worlds (seeds ${c.heldOutSeeds[0]}–${c.heldOutSeeds[c.heldOutSeeds.length - 1]}) and ${plural(c.trainingSeeds.length, "training world")}${c.trainingSeeds.length === 0 ? "" : ` (seeds ${c.trainingSeeds[0]}–${c.trainingSeeds[c.trainingSeeds.length - 1]})`}; per world ${c.zeroShotTasks.toLocaleString("en-US")} zero-shot test tasks (${plural(c.reps, "realisation")} per expected cost), an online stream of ${c.onlineTasks.toLocaleString("en-US")} tasks (${plural(c.onlineReps, "realisation")}, a task every ${c.onlineArrivalSec} s) and a training sample of ${c.trainingTasks.toLocaleString("en-US")} tasks for the per-kind constant route.`,
    "",
    "### Targets (held-out worlds)",
    "",
    "| target | value | met |",
    "|---|---:|:---:|",
    ...Object.values(report.targets).map((t) => `| ${cell(t.target)} | ${num(t.value, 3)} | ${t.met ? "yes" : "**no**"} |`),
    "",
    "### Summary",
    "",
    "Gap recovered: (best constant − router) / (best constant − oracle); worst is the least. Cost ratio: router / best constant; worst is the greatest. Online figures are over the stream's second half.",
    "",
    "| split | protocol | worlds | gap mean | gap worst | per-kind constant gap mean | cost ratio mean | cost ratio worst | human load mean | ECE@500 mean | ECE@500 worst |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    summaryRow("held-out", "zero-shot", report.summary.heldOut.zeroShot),
    summaryRow("held-out", "online", report.summary.heldOut.online),
    summaryRow("training", "zero-shot", report.summary.training.zeroShot),
    summaryRow("training", "online", report.summary.training.online),
    "",
    "### Worlds",
    "",
    "Expected cost per task (J) of the router, the best constant route (which), the per-kind constant route and the oracle.",
    "",
    "| world | split | families / kinds | conv / div / open / mixed | $/min | zero-shot: router | best constant | per-kind | oracle | gap | ratio | online: router | best constant | per-kind | oracle | gap | ratio | ECE@500 | human load (zero-shot / online) |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...report.worlds.map((w) => {
      const a = w.archetypeShares;
      return `| ${w.seed} | ${w.split} | ${w.families} / ${w.kinds} | ${pct(a.convergent, 0)} / ${pct(a.divergent, 0)} / ${pct(a["open-ended"], 0)} / ${pct(a.mixed, 0)} | ${num(w.perMinute)} | ${protocolCells(w.zeroShot)} | ${protocolCells(w.online)} | ${num(w.online.ece500, 3)} | ${pct(w.zeroShot.humanLoad.router, 0)} / ${pct(w.online.humanLoad.router, 0)} |`;
    }),
    "",
  ];
  return `${lines.join("\n")}\n`;
}
