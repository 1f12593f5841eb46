// Charts of a simulation as SVG, rendered on the server with vega-lite and vega: no script runs in the report.
import type { PolicySummary, SimulationReport } from "@convergent/router";
import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { money } from "./format.js";
import { peopleCost, policyLabels } from "./simulationText.js";

/** Colours of the routes, shared by the charts and the page's CSS. */
export const routeColors = { autonomous: "#1f9d74", supervised: "#e3a21a", human: "#7a5af5" } as const;

/** Colours of the parts of the expected cost. */
export const costColors = { agent: "#3b82f6", "people's time": "#f97316", failures: "#dc2626" } as const;

const font = "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** The look every chart of the CLI's HTML reports shares (legend below, in a row). */
export const baseConfig = {
  background: "transparent",
  font,
  view: { stroke: null },
  axis: { labelColor: "#475569", titleColor: "#475569", labelFontSize: 12, titleFontSize: 12, titleFontWeight: 500, gridColor: "#e2e8f0", domainColor: "#cbd5e1", tickColor: "#cbd5e1" },
  legend: { labelColor: "#334155", labelFontSize: 12, titleFontSize: 12, orient: "bottom", direction: "horizontal", symbolType: "square", title: null },
} as const;

/**
 * Renders a vega-lite spec to an SVG string without a browser. `idPrefix` is put before every id in the
 * SVG (vega numbers its clip paths clip1, clip2, … in every chart, and ids must be unique in one page).
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix = ""): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return idPrefix === "" ? svg : prefixIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/** Renames every `id="x"` of an SVG to `id="<prefix>x"`, with the `url(#x)` and `href="#x"` that point at it. */
export function prefixIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (all, head: string, id: string) => (ids.has(id) ? `${head}${prefix}${id}"` : all))
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : all))
    .replace(/(href=")#([^"]+)"/g, (all, head: string, id: string) => (ids.has(id) ? `${head}#${prefix}${id}"` : all));
}

/** Stacked bars of each policy's route mix, as shares of its tasks, labelled with the counts. */
export function routeMixSpec(report: SimulationReport): TopLevelSpec {
  const labels = policyLabels(report);
  const order = { autonomous: 0, supervised: 1, human: 2 } as const;
  const values = report.policies.flatMap((p, i) =>
    (["autonomous", "supervised", "human"] as const).map((route) => ({
      policy: labels[i]!,
      route,
      order: order[route],
      tasks: p.routeMix[route],
      label: p.routeMix[route] === 0 ? "" : `${p.routeMix[route].toLocaleString("en-US")} · ${Math.round((p.routeMix[route] / Math.max(1, p.tasks)) * 100)}%`,
    })),
  );
  const color = {
    field: "route",
    type: "nominal",
    scale: { domain: Object.keys(routeColors), range: Object.values(routeColors) },
    legend: { orient: "bottom", title: null },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig,
    width: 640,
    height: { step: 46 },
    data: { values },
    transform: [
      { stack: "tasks", groupby: ["policy"], sort: [{ field: "order", order: "ascending" }], offset: "normalize", as: ["x0", "x1"] },
      { calculate: "(datum.x0 + datum.x1) / 2", as: "mid" },
      { calculate: "datum.x1 - datum.x0", as: "width" },
    ],
    encoding: {
      y: { field: "policy", type: "nominal", sort: labels, title: null, axis: { labelFontWeight: 600, labelFontSize: 13, labelLimit: 220, domain: false, ticks: false } },
    },
    layer: [
      {
        mark: { type: "bar", cornerRadius: 3, height: { band: 0.72 } },
        encoding: {
          x: { field: "x0", type: "quantitative", axis: { format: "%", title: "share of tasks", tickCount: 5 }, scale: { domain: [0, 1] } },
          x2: { field: "x1" },
          color,
        },
      },
      {
        transform: [{ filter: "datum.width > 0.09" }],
        mark: { type: "text", color: "white", fontWeight: 600, fontSize: 12 },
        encoding: { x: { field: "mid", type: "quantitative" }, text: { field: "label" } },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The expected cost broken down: one small bar chart per part (agent, people's time, failures), each on its
 * own scale so that a part a thousand times smaller than the others still shows, with the figure at each bar.
 */
export function costSpec(report: SimulationReport): TopLevelSpec {
  const labels = policyLabels(report);
  const parts = [
    ["agent", (p: PolicySummary) => p.agentCost],
    ["people's time", peopleCost],
    ["failures", (p: PolicySummary) => p.expectedFailureCost],
  ] as const;
  const panels = parts.map(([part, f], i) => {
    const values = report.policies.map((p, j) => ({ policy: labels[j]!, cost: f(p), label: money(f(p), p.currency) }));
    // Room on the right for the figure printed after each bar.
    const domainMax = Math.max(1e-9, ...values.map((v) => v.cost)) * 1.55;
    return {
      title: { text: part, anchor: "start", frame: "group", fontSize: 13, fontWeight: 600, color: "#0f172a", offset: 8 },
      width: 190,
      height: { step: 46 },
      data: { values },
      encoding: {
        y: {
          field: "policy",
          type: "nominal",
          sort: labels,
          title: null,
          axis: i === 0 ? { labelFontWeight: 600, labelFontSize: 13, labelLimit: 220, domain: false, ticks: false } : null,
        },
      },
      layer: [
        {
          mark: { type: "bar", cornerRadius: 3, height: { band: 0.72 }, color: costColors[part] },
          encoding: { x: { field: "cost", type: "quantitative", axis: null, scale: { domain: [0, domainMax], nice: false } } },
        },
        {
          mark: { type: "text", align: "left", dx: 6, fontWeight: 600, fontSize: 12, color: "#0f172a" },
          encoding: { x: { field: "cost", type: "quantitative" }, text: { field: "label" } },
        },
      ],
    };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { ...baseConfig, concat: { spacing: 28 } },
    hconcat: panels,
  } as TopLevelSpec;
}

/** Both charts of a report as SVG. */
export async function simulationCharts(report: SimulationReport): Promise<{ readonly routeMix: string; readonly cost: string }> {
  const [routeMix, cost] = await Promise.all([renderSvg(routeMixSpec(report), "mix-"), renderSvg(costSpec(report), "cost-")]);
  return { routeMix, cost };
}
