// The `simulate --html` report: one self-contained page (inline CSS and SVG, no scripts, no fonts or files fetched).
import type { PolicySummary, Route, SimulationReport } from "@convergent/router";
import { routeColors, simulationCharts } from "./charts.js";
import { count, minutes, money, percent, signed } from "./format.js";
import { peopleCost, policyLabels, reasonsToShow } from "./simulationText.js";

/** Options of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /** Where the tasks came from (a file name or `stdin`), shown in the header. */
  readonly source: string;
  /** Tasks that were not valid and so not simulated. */
  readonly invalid?: number;
}

/** Escapes text for HTML content and attribute values: task ids, kinds and reasons are untrusted. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;

/**
 * Renders a simulation report as one HTML page: headline figures, SVG charts of the route mix and the
 * expected cost per policy, the figures as a table, and every task that changes route with both sides' reasons.
 *
 * @example
 * ```ts
 * const html = await renderHtmlReport(simulation.report(), { source: "tasks.jsonl" });
 * await writeFile("report.html", html);
 * ```
 */
export async function renderHtmlReport(report: SimulationReport, options: HtmlReportOptions): Promise<string> {
  const charts = await simulationCharts(report);
  const labels = policyLabels(report);
  const [a, b] = report.policies as [PolicySummary, PolicySummary | undefined];
  const title = b === undefined ? labels[0]! : `${labels[0]} → ${labels[1]}`;
  const tasks = a.tasks;
  const sub = [
    `${count(tasks)} task${tasks === 1 ? "" : "s"} from <code>${e(options.source)}</code>`,
    options.invalid ? `${count(options.invalid)} invalid line${options.invalid === 1 ? "" : "s"} skipped` : "",
  ].filter((s) => s !== "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="convergent simulate">
<title>${e(`Convergent simulation · ${title}`)}</title>
<style>${reportCss}</style>
</head>
<body>
<main>
<header>
  <p class="eyebrow">Convergent · policy simulation</p>
  <h1>${b === undefined ? e(labels[0]!) : `${e(labels[0]!)} <span class="arrow">→</span> ${e(labels[1]!)}`}</h1>
  <p class="sub">${sub.join(" · ")}</p>
</header>
<section class="cards">
${cards(report).join("\n")}
</section>
<section class="panel">
  <h2>Where the tasks go</h2>
  <p class="note">Share of tasks each policy routes to an autonomous agent loop, a supervised run (the agent proposes, a person approves), or a person.</p>
  <figure>${charts.routeMix}</figure>
</section>
<section class="panel">
  <h2>What it is expected to cost</h2>
  <p class="note">Agent spend, people's time (minutes × the policy's reviewer rate) and the expected cost of failures that go unnoticed (probability × stakes).</p>
  <figure>${charts.cost}</figure>
</section>
<section class="panel">
  <h2>The figures</h2>
  ${figuresTable(report, labels)}
</section>
${b === undefined ? "" : changesSection(report, labels)}
<footer>
  ${report.policies.map((p, i) => `<span><b>${e(labels[i]!)}</b> <code>${e(p.hash)}</code></span>`).join("\n  ")}
  <span>Made with <code>convergent simulate</code>. Decisions are reproducible from the policy hash.</span>
</footer>
</main>
</body>
</html>
`;
}

function card(label: string, value: string, detail: string, tone: "up" | "down" | "flat" | "none" = "none"): string {
  return `<div class="card"><div class="label">${label}</div><div class="value">${value}</div><div class="detail ${tone}">${detail}</div></div>`;
}

/** `down` is good news for minutes and cost. */
function tone(delta: number): "up" | "down" | "flat" {
  return Math.abs(delta) < 1e-9 ? "flat" : delta > 0 ? "up" : "down";
}

function relative(delta: number, base: number): string {
  if (base === 0) return "";
  return ` (${signed((delta / base) * 100, (v) => `${v >= 10 ? Math.round(v) : v.toFixed(1)}%`)})`;
}

function cards(report: SimulationReport): string[] {
  const [a, b] = report.policies as [PolicySummary, PolicySummary | undefined];
  const auto = (p: PolicySummary) => percent(p.routeMix.autonomous, p.tasks);
  if (b === undefined) {
    return [
      card("Tasks", count(a.tasks), `${count(a.routeMix.autonomous)} autonomous · ${count(a.routeMix.supervised)} supervised · ${count(a.routeMix.human)} human`),
      card("Autonomous", auto(a), "of tasks run without a person"),
      card("Human minutes", e(minutes(a.humanMinutes)), `${e(minutes(a.tasks === 0 ? 0 : a.humanMinutes / a.tasks))} per task`),
      card("Expected cost", e(money(a.expectedCost, a.currency)), `${e(money(a.tasks === 0 ? 0 : a.expectedCost / a.tasks, a.currency))} per task`),
    ];
  }
  const dMin = b.humanMinutes - a.humanMinutes;
  const dCost = b.expectedCost - a.expectedCost;
  const sameCurrency = a.currency === b.currency;
  return [
    card("Tasks", count(a.tasks), `${auto(a)} → ${auto(b)} autonomous`),
    card("Human minutes", e(minutes(b.humanMinutes)), `${e(signed(dMin, minutes))}${relative(dMin, a.humanMinutes)} vs ${e(minutes(a.humanMinutes))}`, tone(dMin)),
    card(
      "Expected cost",
      e(money(b.expectedCost, b.currency)),
      sameCurrency ? `${e(signed(dCost, (v) => money(v, b.currency)))}${relative(dCost, a.expectedCost)} vs ${e(money(a.expectedCost, a.currency))}` : `vs ${e(money(a.expectedCost, a.currency))}`,
      sameCurrency ? tone(dCost) : "none",
    ),
    card("Route changes", count(report.changedCount), `${percent(report.changedCount, a.tasks)} of tasks`),
  ];
}

function figuresTable(report: SimulationReport, labels: readonly string[]): string {
  const policies = report.policies;
  const comparing = policies.length === 2 && policies[0]!.currency === policies[1]!.currency;
  const [a, b] = policies;
  const row = (name: string, value: (p: PolicySummary) => string, delta?: (x: PolicySummary, y: PolicySummary) => string) =>
    `<tr><th scope="row">${name}</th>${policies.map((p) => `<td>${e(value(p))}</td>`).join("")}${
      comparing ? `<td class="delta">${delta && a && b ? e(delta(a, b)) : ""}</td>` : ""
    }</tr>`;
  const mix = (route: Route) =>
    row(
      `<span class="dot ${route}"></span>${route}`,
      (p) => `${count(p.routeMix[route])} · ${percent(p.routeMix[route], p.tasks)}`,
      (x, y) => signed(y.routeMix[route] - x.routeMix[route], count),
    );
  const costRow = (name: string, f: (p: PolicySummary) => number) =>
    row(name, (p) => money(f(p), p.currency), (x, y) => signed(f(y) - f(x), (v) => money(v, y.currency)));
  return `<table class="figures">
  <thead><tr><th></th>${labels.map((l) => `<th>${e(l)}</th>`).join("")}${comparing ? "<th>change</th>" : ""}</tr></thead>
  <tbody>
  ${[
    row("tasks", (p) => count(p.tasks)),
    mix("autonomous"),
    mix("supervised"),
    mix("human"),
    row("human minutes", (p) => minutes(p.humanMinutes), (x, y) => signed(y.humanMinutes - x.humanMinutes, minutes)),
    costRow("agent cost", (p) => p.agentCost),
    costRow("people's time", peopleCost),
    costRow("expected failure cost", (p) => p.expectedFailureCost),
    costRow("<b>expected cost</b>", (p) => p.expectedCost),
    ...(policies.some((p) => p.explored > 0) ? [row("explored", (p) => count(p.explored))] : []),
  ].join("\n  ")}
  </tbody>
</table>`;
}

function pill(route: Route): string {
  return `<span class="pill ${route}">${route}</span>`;
}

function reasonList(reasons: readonly string[]): string {
  return `<ul>${reasons.map((r) => `<li>${e(r)}</li>`).join("")}</ul>`;
}

/** The reasons that differ, and the full list behind a disclosure when some shared ones were left out. */
function reasonCell(shown: readonly string[], all: readonly string[]): string {
  if (shown.length >= all.length) return reasonList(all);
  return `${reasonList(shown)}<details><summary>all ${all.length} reasons</summary>${reasonList(all)}</details>`;
}

function changesSection(report: SimulationReport, labels: readonly string[]): string {
  const shown = report.changed.length < report.changedCount ? ` The first ${count(report.changed.length)} of ${count(report.changedCount)} are listed.` : "";
  if (report.changedCount === 0) {
    return `<section class="panel"><h2>Tasks that change route</h2><p class="note">None: both policies route every task the same way.</p></section>`;
  }
  const rows = report.changed.map((change) => {
    const differing = reasonsToShow(change, "differing");
    return `<tr>
  <td class="task"><code>${e(change.taskId)}</code><div class="kind">${e(change.kind)}</div></td>
  <td class="move">${pill(change.from)}<span class="arrow">→</span>${pill(change.to)}</td>
  <td class="why">${reasonCell(differing.from, change.reasons.from)}</td>
  <td class="why">${reasonCell(differing.to, change.reasons.to)}</td>
</tr>`;
  });
  return `<section class="panel">
  <h2>Tasks that change route <span class="count">${count(report.changedCount)}</span></h2>
  <p class="note">Each task whose route differs, with the reasons of each policy that the other does not give.${shown}</p>
  <div class="scroll"><table class="changes">
  <thead><tr><th>task</th><th>route</th><th>why, under ${e(labels[0]!)}</th><th>why, under ${e(labels[1]!)}</th></tr></thead>
  <tbody>
${rows.join("\n")}
  </tbody>
  </table></div>
</section>`;
}

/** The report pages' stylesheet (also used by `convergent bench --html`). */
export const reportCss = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f6f7fb; --card: #ffffff;
  --autonomous: ${routeColors.autonomous}; --supervised: ${routeColors.supervised}; --human: ${routeColors.human}; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.55 Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-feature-settings: "tnum" 1; }
main { max-width: 1040px; margin: 0 auto; padding: 48px 24px 64px; }
header { margin-bottom: 28px; }
.eyebrow { margin: 0 0 6px; color: var(--muted); font-size: 13px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; }
h1 { margin: 0; font-size: 32px; line-height: 1.2; letter-spacing: -.02em; font-weight: 700; }
h1 .arrow { color: var(--muted); font-weight: 400; }
.sub { margin: 8px 0 0; color: var(--muted); }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef2f7; padding: 1px 5px; border-radius: 4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 14px; margin-bottom: 22px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 14px; padding: 16px 18px; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
.card .label { color: var(--muted); font-size: 13px; font-weight: 600; }
.card .value { font-size: 30px; font-weight: 700; letter-spacing: -.02em; margin: 2px 0; white-space: nowrap; }
.card .detail { color: var(--muted); font-size: 13px; }
.card .detail.down { color: #15803d; }
.card .detail.up { color: #b91c1c; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 14px; padding: 22px 24px; margin-bottom: 18px; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
h2 { margin: 0 0 4px; font-size: 18px; letter-spacing: -.01em; }
h2 .count { display: inline-block; min-width: 26px; padding: 0 8px; margin-left: 6px; border-radius: 99px; background: #eef2f7; color: var(--muted); font-size: 13px; text-align: center; vertical-align: 2px; }
.note { margin: 0 0 14px; color: var(--muted); font-size: 14px; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 9px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; }
table.figures td, table.figures thead th:not(:first-child) { text-align: right; white-space: nowrap; }
table.figures th[scope=row] { font-weight: 500; }
td.delta { color: var(--muted); }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 8px; vertical-align: 0; }
.dot.autonomous, .pill.autonomous { background: var(--autonomous); }
.dot.supervised, .pill.supervised { background: var(--supervised); }
.dot.human, .pill.human { background: var(--human); }
.pill { display: inline-block; color: #fff; font-size: 12px; font-weight: 600; padding: 2px 9px; border-radius: 99px; }
.move { white-space: nowrap; }
.move .arrow { color: var(--muted); margin: 0 6px; }
.task code { font-weight: 600; }
.kind { color: var(--muted); font-size: 13px; margin-top: 3px; }
.why { font-size: 14px; min-width: 240px; }
.why ul { margin: 0; padding-left: 18px; }
.why li + li { margin-top: 4px; }
details { margin-top: 6px; color: var(--muted); font-size: 13px; }
summary { cursor: pointer; }
.scroll { overflow-x: auto; }
footer { margin-top: 28px; color: var(--muted); font-size: 13px; display: flex; flex-wrap: wrap; gap: 8px 22px; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e2e8f0; --muted: #94a3b8; --line: #243044; --bg: #0b1120; --card: #111a2e; }
  code, h2 .count { background: #1b2540; }
  figure svg { background: #ffffff; border-radius: 10px; padding: 8px; }
  .card .detail.down { color: #4ade80; }
  .card .detail.up { color: #f87171; }
}
@media print { body { background: #fff; } .panel, .card { box-shadow: none; } }
`;
