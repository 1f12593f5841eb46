// `convergent bench --html OUT`: every benchmark that ran, in one self-contained page (inline CSS and SVG, no scripts).
import type { QualityReport, RouterBenchReport, RuntimeBenchReport } from "@convergent/bench";
import { qualityCharts } from "./benchCharts.js";
import { escapeHtml, reportCss } from "./htmlReport.js";

const e = escapeHtml;

/** The reports one `convergent bench` run produced (any may be missing). */
export interface BenchHtmlInput {
  readonly router?: RouterBenchReport;
  readonly runtime?: RuntimeBenchReport;
  readonly quality?: QualityReport;
}

const pct = (x: number | null, digits = 1) => (x === null ? "—" : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null, digits = 2) => (x === null ? "—" : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const rate = (x: number) => `${Math.round(x).toLocaleString("en-US")} /s`;

function card(label: string, value: string, detail: string, tone: "down" | "up" | "none" = "none"): string {
  return `<div class="card"><div class="label">${e(label)}</div><div class="value">${e(value)}</div><div class="detail ${tone}">${e(detail)}</div></div>`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<div class="scroll"><table class="figures">
  <thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead>
  <tbody>
  ${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${e(c)}</th>` : `<td>${e(c)}</td>`)).join("")}</tr>`).join("\n  ")}
  </tbody>
</table></div>`;
}

async function qualitySections(q: QualityReport): Promise<string> {
  const charts = await qualityCharts(q);
  const router = q.routers.find((r) => r.id === "convergent");
  const oracle = q.routers.find((r) => r.id === "oracle");
  const met = Object.values(q.targets).filter((t) => t.met).length;
  const cards = [
    card("Area under the curve", num(router?.area ?? null), "random 0.5 · oracle 1", (router?.area ?? 0) >= 0.85 ? "down" : "up"),
    card("Failure (stakes-weighted)", pct(router?.figures.failure ?? null), `oracle ${pct(oracle?.figures.failure ?? null)}`),
    card("Human load", pct(router?.figures.humanLoad ?? null), `oracle ${pct(oracle?.figures.humanLoad ?? null)}`),
    card("Targets met", `${met} / ${Object.keys(q.targets).length}`, "see the table below", met === Object.keys(q.targets).length ? "down" : "up"),
  ];
  const rows = q.routers.map((r) => {
    const f = r.figures;
    const n = Math.max(1, f.routeMix.autonomous + f.routeMix.supervised + f.routeMix.human);
    return [
      r.name,
      pct(f.failure),
      pct(f.humanLoad),
      num(f.humanMinutesPerTask, 1),
      Math.round(f.tokensPerTask).toLocaleString("en-US"),
      `$${num(f.dollarsPerTask, 3)}`,
      `$${num(f.expectedCostPerTask, 0)}`,
      `$${num(r.regretPerTask, 0)}`,
      num(r.area),
      pct(r.loadFor95),
      `${pct(f.routeMix.autonomous / n, 0)} / ${pct(f.routeMix.supervised / n, 0)} / ${pct(f.routeMix.human / n, 0)}`,
    ];
  });
  const m = q.monitor;
  return `<section class="cards">
${cards.join("\n")}
</section>
<section class="panel">
  <h2>Cost–failure curves</h2>
  <p class="note">Each router's knob swept: stakes-weighted failure rate against human load (people's minutes as a share of sending everything to a person). Lower and further left is better.</p>
  <figure>${charts.curves}</figure>
</section>
<section class="panel">
  <h2>Route mixes</h2>
  <p class="note">Where each router sends the ${e(q.config.tasks.toLocaleString("en-US"))} test tasks at its operating point.</p>
  <figure>${charts.mix}</figure>
</section>
<section class="panel">
  <h2>Every router</h2>
  ${table(["router", "F", "human load", "min/task", "tokens/task", "$/task", "J/task", "regret/task", "area", "load for 95%", "auto / sup / human"], rows)}
</section>
<section class="panel">
  <h2>Where the regret comes from</h2>
  <p class="note">Per family: the router's expected cost per task above the oracle's, and both route mixes (autonomous / supervised / human).</p>
  ${table(
    ["family", "tasks", "regret/task", "router", "oracle"],
    q.families.map((f) => {
      const mix = (m: { autonomous: number; supervised: number; human: number }) => {
        const n = Math.max(1, f.tasks);
        return `${pct(m.autonomous / n, 0)} / ${pct(m.supervised / n, 0)} / ${pct(m.human / n, 0)}`;
      };
      return [`${f.name}: ${f.description}`, f.tasks.toLocaleString("en-US"), `$${num(f.regretPerTask, 0)}`, mix(f.routerMix), mix(f.oracleMix)];
    }),
  )}
</section>
<section class="panel">
  <h2>Targets</h2>
  ${table(["target", "value", "met"], Object.values(q.targets).map((t) => [t.target, num(t.value, 3), t.met ? "yes" : "no"]))}
</section>
<section class="panel">
  <h2>Monitor</h2>
  <p class="note">${e(`${m.loops.toLocaleString("en-US")} autonomous loops with feedback: ${m.diverging} diverged, ${m.converging} would pass within the budget.`)}</p>
  ${table(
    ["figure", "value"],
    [
      ["median detection delay (attempts)", num(m.medianDetectionDelay, 1)],
      ["false escalations per 100 converging runs", num(m.falseEscalationsPer100, 2)],
      ["tokens wasted with the monitor", m.wastedTokens.monitor.toLocaleString("en-US")],
      [`tokens wasted with a fixed ${q.config.maxAttempts}-attempt budget`, m.wastedTokens.fixedBudget.toLocaleString("en-US")],
      ["fewer tokens wasted", pct(m.wastedTokens.reduction)],
    ],
  )}
</section>
<section class="panel">
  <h2>Calibration and shift</h2>
  <p class="note">Expected calibration error of the router's P(agent fails) after the online stream delivered each number of outcomes (outcomes arrive after the feedback latency).</p>
  ${table(
    ["outcomes", "ECE (all tasks)", "ECE (kinds with outcomes)", "tasks in those kinds", "stream task"],
    q.calibration.map((c) => [String(c.outcomes), num(c.ece, 3), num(c.eceObservedKinds, 3), pct(c.observedShare, 0), c.atTask === null ? "—" : String(c.atTask)]),
  )}
  <p class="note">${e(`${q.shift.change}, at task ${q.shift.at}. Rolling regret per dollar at stake over ${q.shift.window} ${q.shift.family} tasks (red: the shift; green: the target, the 90th percentile before it). Recovered after ${q.shift.recoveryTasks ?? "—"} tasks.`)}</p>
  <figure>${charts.shift}</figure>
</section>
<section class="panel">
  <h2>How to read this</h2>
  <ul>${q.notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>
</section>`;
}

function routerSection(r: RouterBenchReport): string {
  return `<section class="panel">
  <h2>Router speed</h2>
  <p class="note">${e(`${r.tasks.toLocaleString("en-US")} varied tasks, a policy with ${r.rules} rules, Node ${r.node}.`)}</p>
  ${table(
    ["", "decisions", "p50", "p99"],
    [
      ["convergent decide()", rate(r.decisionsPerSec), `${num(r.p50Us)} µs`, `${num(r.p99Us)} µs`],
      [`${r.peer.name} ${r.peer.version} (rules alone)`, rate(r.peer.decisionsPerSec), "", ""],
      ["ratio", `${num(r.ratio, 1)}×`, "", ""],
    ],
  )}
</section>`;
}

function runtimeSection(r: RuntimeBenchReport): string {
  const rt = r.roundTrips;
  return `<section class="panel">
  <h2>Runtime overhead</h2>
  ${table(
    ["", "convergent", `${rt.peer.name} ${rt.peer.version}`, "ratio"],
    [
      ["round trips, memory", rate(rt.memory.perSec), rate(rt.peer.memory.perSec), `${num(rt.ratios.memory, 1)}×`],
      ["round trips, SQLite", rate(rt.sqlite.perSec), rate(rt.peer.sqlite.perSec), `${num(rt.ratios.sqlite, 1)}×`],
      ["attempt overhead, memory", `${num(r.attemptOverhead.memoryMs, 3)} ms`, "", ""],
      ["attempt overhead, SQLite", `${num(r.attemptOverhead.sqliteMs, 3)} ms`, "", ""],
      [`inbox p95 (${r.inbox.checkpoints.toLocaleString("en-US")} open checkpoints)`, `${num(r.inbox.p95Ms, 1)} ms`, "", ""],
    ],
  )}
</section>`;
}

/**
 * Renders the reports of one `convergent bench` run as one HTML page.
 *
 * @example
 * ```ts
 * await writeFile("bench.html", await renderBenchHtml({ quality: runQualityBench() }));
 * ```
 */
export async function renderBenchHtml(input: BenchHtmlInput): Promise<string> {
  const ran = [input.router && "router speed", input.runtime && "runtime overhead", input.quality && "routing quality"].filter((x): x is string => typeof x === "string");
  const sections = [
    input.quality === undefined ? "" : await qualitySections(input.quality),
    input.router === undefined ? "" : routerSection(input.router),
    input.runtime === undefined ? "" : runtimeSection(input.runtime),
  ].filter((s) => s !== "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="convergent bench">
<title>${e(`Convergent benchmarks · ${ran.join(", ")}`)}</title>
<style>${reportCss}</style>
</head>
<body>
<main>
<header>
  <p class="eyebrow">Convergent · benchmarks</p>
  <h1>${e(input.quality === undefined ? "Benchmarks" : "ConvergeBench")}</h1>
  <p class="sub">${e(ran.join(" · "))}</p>
</header>
${sections.join("\n")}
<footer><span>Made with <code>convergent bench</code>. The quality figures are deterministic for a seed and size.</span></footer>
</main>
</body>
</html>
`;
}
