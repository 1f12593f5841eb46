// The `convergent bench --html` page: self-contained, escaped, with the quality charts and every suite that ran.
import { runQualityBench } from "@convergent/bench";
import { describe, expect, it } from "vitest";
import { renderBenchHtml } from "./benchHtml.js";
import { escapeHtml } from "./htmlReport.js";

describe("renderBenchHtml", () => {
  const quality = runQualityBench({ tasks: 120, reps: 2, evalReps: 1, seed: 4 });

  it("renders the quality report as one page with its three charts and no script", async () => {
    const html = await renderBenchHtml({ quality });
    expect(html).toContain("<h1>ConvergeBench</h1>");
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/<script|<link|src="http/);
    for (const t of Object.values(quality.targets)) expect(html).toContain(`<th scope="row">${escapeHtml(t.target)}</th>`);
    // Chart ids are unique in the page.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("escapes every text that comes from a report", async () => {
    const hostile = { ...quality, routers: quality.routers.map((r, i) => (i === 0 ? { ...r, name: `<img src=x onerror="alert(1)">` } : r)), notes: ["a & <b>"] };
    const html = await renderBenchHtml({ quality: hostile });
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
    expect(html).toContain("<li>a &#38; &#60;b&#62;</li>");
  });
});
