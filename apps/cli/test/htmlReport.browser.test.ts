// The simulate HTML report in a real browser: it renders its charts, runs no script, fetches nothing,
// and shows hostile task text as text.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, samplePath, workspace } from "./helpers.js";

const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const hasBrowser = existsSync(executablePath);
if (!hasBrowser) console.warn(`skipping browser tests: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!hasBrowser)("simulate --html in Chromium", () => {
  let browser: Browser;
  const ws = workspace();

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    ws.cleanup();
  });

  it("renders both charts and the changed tasks, runs no script and fetches nothing", async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const tasks = readFileSync(samplePath("tasks.jsonl"), "utf8").trim().split("\n");
    // A copy of a task whose route changes, so its id is printed in the changed-tasks table. Which tasks
    // change is the router's judgement, so the test asks simulate rather than naming one.
    const probe = cli(["simulate", "--tasks", samplePath("tasks.jsonl"), "--against", samplePath("policy.yaml"), "--json"]);
    expect(probe.code).toBe(0);
    const changedId = (JSON.parse(probe.stdout) as { changed: { taskId: string }[] }).changed[0]!.taskId;
    const changing = JSON.parse(tasks.find((line) => (JSON.parse(line) as { id: string }).id === changedId)!);
    tasks.push(JSON.stringify({ ...changing, id: hostile, title: hostile }));
    const input = ws.path("tasks.jsonl");
    writeFileSync(input, `${tasks.join("\n")}\n`);
    const out = ws.path("report.html");
    const run = cli(["simulate", "--tasks", input, "--against", samplePath("policy.yaml"), "--html", out]);
    expect(run.code).toBe(0);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    await page.goto(pathToFileURL(out).href);

    const charts = await page.locator("svg").evaluateAll((svgs) => svgs.map((s) => ({ w: s.getBoundingClientRect().width, marks: s.querySelectorAll("path, rect").length })));
    expect(charts.length).toBeGreaterThanOrEqual(2);
    for (const chart of charts) {
      expect(chart.w).toBeGreaterThan(100);
      expect(chart.marks).toBeGreaterThan(3);
    }
    await expect(page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
    const body = await page.locator("body").innerText();
    expect(body).toContain("Tasks that change route");
    expect(body).toContain(changedId);
    expect(body).toContain(hostile);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
