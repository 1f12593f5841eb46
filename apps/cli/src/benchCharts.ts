// Charts of `convergent bench --html`: ConvergeBench's cost–failure curves, route mixes and shift recovery, as
// vega-lite specs rendered to SVG at build time (no script runs in the page).
import type { QualityReport } from "@convergent/bench";
import type { TopLevelSpec } from "vega-lite";
import { baseConfig, renderSvg, routeColors } from "./charts.js";

// The reports' shared look, with the legend on the right (the bench's charts name many routers).
const config = { ...baseConfig, legend: { labelColor: "#334155", labelFontSize: 12, titleFontSize: 12, orient: "right", title: null, labelLimit: 260 } } as const;

/** Colours of the routers, in the report's order (Convergent's router first, in the route colour of autonomy). */
const routerPalette = ["#0f766e", "#94a3b8", "#e3a21a", "#7a5af5", "#64748b", "#3b82f6", "#f97316", "#db2777", "#111827", "#a3a3a3"];

/**
 * Every router's cost–failure curve: stakes-weighted failure rate against human load as its knob is swept;
 * routers without a knob are single points.
 */
export function curvesSpec(report: QualityReport): TopLevelSpec {
  const names = report.routers.map((r) => r.name);
  const values = report.routers.flatMap((r) =>
    [...r.curve].sort((a, b) => a.humanLoad - b.humanLoad).map((p, i) => ({ router: r.name, order: i, load: p.humanLoad, failure: p.failure, knob: p.knob })),
  );
  const color = { field: "router", type: "nominal", scale: { domain: names, range: routerPalette.slice(0, names.length) }, legend: { labelLimit: 400 } } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config,
    width: 620,
    height: 360,
    data: { values },
    encoding: {
      x: { field: "load", type: "quantitative", title: "human load (people's minutes / always-human's)", axis: { format: "%" } },
      y: { field: "failure", type: "quantitative", title: "stakes-weighted failure rate", axis: { format: "%" } },
      color,
    },
    layer: [
      { mark: { type: "line", strokeWidth: 2, interpolate: "linear" }, encoding: { order: { field: "order", type: "quantitative" } } },
      { mark: { type: "point", filled: true, size: 36 } },
    ],
  } as TopLevelSpec;
}

/** Stacked bars of each router's route mix at its operating point. */
export function routerMixSpec(report: QualityReport): TopLevelSpec {
  const names = report.routers.map((r) => r.name);
  const order = { autonomous: 0, supervised: 1, human: 2 } as const;
  const values = report.routers.flatMap((r) => {
    const n = Math.max(1, r.figures.routeMix.autonomous + r.figures.routeMix.supervised + r.figures.routeMix.human);
    return (["autonomous", "supervised", "human"] as const).map((route) => ({
      router: r.name,
      route,
      order: order[route],
      tasks: r.figures.routeMix[route],
      label: r.figures.routeMix[route] / n < 0.09 ? "" : `${Math.round((r.figures.routeMix[route] / n) * 100)}%`,
    }));
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { ...config, legend: { ...config.legend, orient: "bottom", direction: "horizontal", symbolType: "square" } },
    width: 560,
    height: { step: 30 },
    data: { values },
    transform: [
      { stack: "tasks", groupby: ["router"], sort: [{ field: "order", order: "ascending" }], offset: "normalize", as: ["x0", "x1"] },
      { calculate: "(datum.x0 + datum.x1) / 2", as: "mid" },
    ],
    encoding: { y: { field: "router", type: "nominal", sort: names, title: null, axis: { labelFontWeight: 600, labelLimit: 280, domain: false, ticks: false } } },
    layer: [
      {
        mark: { type: "bar", cornerRadius: 3, height: { band: 0.72 } },
        encoding: {
          x: { field: "x0", type: "quantitative", axis: { format: "%", title: "share of tasks", tickCount: 5 }, scale: { domain: [0, 1] } },
          x2: { field: "x1" },
          color: { field: "route", type: "nominal", scale: { domain: Object.keys(routeColors), range: Object.values(routeColors) } },
        },
      },
      { mark: { type: "text", color: "white", fontWeight: 600, fontSize: 11 }, encoding: { x: { field: "mid", type: "quantitative" }, text: { field: "label" } } },
    ],
  } as TopLevelSpec;
}

/** The router's rolling regret on the shifted family's tasks, with the shift and the target marked. */
export function shiftSpec(report: QualityReport): TopLevelSpec {
  const s = report.shift;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config,
    width: 620,
    height: 220,
    layer: [
      {
        data: { values: s.rolling.map((r) => ({ task: r.task, regret: r.regret })) },
        mark: { type: "line", color: routerPalette[0], strokeWidth: 2 },
        encoding: {
          x: { field: "task", type: "quantitative", title: "stream task" },
          y: { field: "regret", type: "quantitative", title: `regret per $ at stake (${s.family})`, axis: { format: ".1%" } },
        },
      },
      { data: { values: [{ at: s.at }] }, mark: { type: "rule", color: "#dc2626", strokeDash: [4, 3] }, encoding: { x: { field: "at", type: "quantitative" } } },
      ...(s.threshold === null
        ? []
        : [{ data: { values: [{ threshold: s.threshold }] }, mark: { type: "rule", color: "#15803d", strokeDash: [2, 2] }, encoding: { y: { field: "threshold", type: "quantitative" } } }]),
    ],
  } as TopLevelSpec;
}

/** The quality report's charts as SVG, with ids unique in one page. */
export async function qualityCharts(report: QualityReport): Promise<{ readonly curves: string; readonly mix: string; readonly shift: string }> {
  const [curves, mix, shift] = await Promise.all([
    renderSvg(curvesSpec(report), "qcurve-"),
    renderSvg(routerMixSpec(report), "qmix-"),
    renderSvg(shiftSpec(report), "qshift-"),
  ]);
  return { curves, mix, shift };
}
