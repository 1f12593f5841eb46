// The HTML report: escaping, unique SVG ids, headline figures and the change table.
import type { SimulationReport } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { prefixIds } from "./charts.js";
import { escapeHtml, renderHtmlReport } from "./htmlReport.js";

const summary = (id: string, routeMix: { autonomous: number; supervised: number; human: number }, costs: { agent: number; minutes: number; failures: number }) => ({
  id,
  version: 1,
  hash: "sha256:0123456789abcdef",
  currency: "EUR",
  tasks: routeMix.autonomous + routeMix.supervised + routeMix.human,
  routeMix,
  humanMinutes: costs.minutes,
  agentCost: costs.agent,
  expectedFailureCost: costs.failures,
  expectedCost: costs.agent + costs.minutes * 2 + costs.failures,
  explored: 0,
});

describe("escapeHtml", () => {
  it("escapes every character that could open markup or leave an attribute", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`</a>`)).toBe("&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;&#60;/a&#62;");
  });
});

describe("prefixIds", () => {
  it("renames ids and the references to them, leaving other urls alone", () => {
    const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/><use href="#clip1"/><g fill="url(#other)"/></svg>';
    expect(prefixIds(svg, "a-")).toBe('<svg><clipPath id="a-clip1"><rect/></clipPath><g clip-path="url(#a-clip1)"/><use href="#a-clip1"/><g fill="url(#other)"/></svg>');
  });
});

describe("renderHtmlReport", () => {
  const report: SimulationReport = {
    policies: [summary("current", { autonomous: 2, supervised: 3, human: 5 }, { agent: 4, minutes: 200, failures: 100 }), summary("proposed", { autonomous: 5, supervised: 3, human: 2 }, { agent: 8, minutes: 90, failures: 130 })],
    changed: [{ taskId: "t-<1>", kind: "code.fix-test", from: "human", to: "autonomous", reasons: { from: ["Human: because & so."], to: ["Autonomous: <cheaper>."] } }],
    changedCount: 1,
  };

  it("shows the headline figures with the deltas between the policies", async () => {
    const html = await renderHtmlReport(report, { source: "log <1>.jsonl" });
    expect(html).toContain("<h1>current v1 <span class=\"arrow\">→</span> proposed v1</h1>");
    expect(html).toContain("10 tasks from <code>log &#60;1&#62;.jsonl</code>");
    // People's time is what the expected cost leaves after agent and failures: 400 → 180 EUR.
    expect(html).toMatch(/<th scope="row">people's time<\/th><td>400 EUR<\/td><td>180 EUR<\/td><td class="delta">−220 EUR<\/td>/);
    expect(html).toContain('<div class="label">Human minutes</div><div class="value">90 min</div><div class="detail down">−110 min (−55%) vs 200 min</div>');
    expect(html).toContain('<div class="label">Expected cost</div><div class="value">318 EUR</div><div class="detail down">−186 EUR (−37%) vs 504 EUR</div>');
    expect(html).toContain("<code>t-&#60;1&#62;</code>");
    expect(html).toContain("<li>Autonomous: &#60;cheaper&#62;.</li>");
    expect(html).toContain("<li>Human: because &#38; so.</li>");
    // Nothing was left out of these one-reason lists, so there is nothing to disclose.
    expect(html).not.toContain("<details>");
  });

  it("describes one policy alone without a comparison", async () => {
    const html = await renderHtmlReport({ policies: [report.policies[0]!], changed: [], changedCount: 0 }, { source: "stdin" });
    expect(html).toContain("<h1>current v1</h1>");
    expect(html).toContain('<div class="label">Autonomous</div><div class="value">20%</div>');
    expect(html).not.toContain("Tasks that change route");
    expect(html.match(/<svg/g)).toHaveLength(2);
  });
});
