// `convergent route --learn`: the long-lived routing process, driven over a pipe as a service would.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli, jsonLines, startCli, supportReply, workspace } from "./helpers.js";

interface Decision {
  taskId: string;
  route: string;
  calibration: { agentObservations: number; agentFailure: number };
}

/** A translation task the default policy sends to review until outcomes say the agent does it well. */
const translate = (id: string) => ({
  id,
  kind: "i18n.translate-ui",
  title: "Translate checkout strings",
  signals: { feedbackLatencySec: 5, ruleClosure: 0.6, driftHalfLifeSec: 15_552_000, horizonSec: 3600 },
  stakes: { cost: 200, reversible: true },
});

/** Reads the child's stdout line by line. */
function lineReader(stream: NodeJS.ReadableStream) {
  let buffer = "";
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const next = waiting.shift();
      if (next) next(line);
      else ready.push(line);
    }
  });
  return () => new Promise<string>((resolve) => (ready.length > 0 ? resolve(ready.shift()!) : waiting.push(resolve)));
}

describe("convergent route --learn", () => {
  it("answers each task line at once, before the next is written, and learns from outcome lines", async () => {
    const child = startCli(["route", "--learn", "--json", "-"]);
    const next = lineReader(child.stdout);
    const ask = async (task: unknown): Promise<Decision> => {
      child.stdin.write(`${JSON.stringify(task)}\n`);
      return JSON.parse(await next()) as Decision;
    };
    const first = await ask(translate("tr-0"));
    expect(first.route).toBe("supervised");
    expect(first.calibration.agentObservations).toBe(0);
    // Reviewed results keep coming back good.
    for (let i = 0; i < 60; i++) child.stdin.write(`${JSON.stringify({ outcome: { taskId: "tr-0", result: "succeeded" } })}\n`);
    const later = await ask(translate("tr-1"));
    expect(later.calibration.agentObservations).toBe(60);
    expect(later.calibration.agentFailure).toBeLessThan(first.calibration.agentFailure);
    expect(later.route).toBe("autonomous");
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).toBe(0);
  });

  it("learns from a reviewer's approval as a share of a failure, and refuses an approval of a person's work", () => {
    // Summaries whose truth never arrives: a reviewer catches some bad ones, approves the rest.
    const summary = (id: string) => ({ id, kind: "docs.summarise", title: "Summarise the RFC", signals: { feedbackLatencySec: null, ruleClosure: 0.3 }, stakes: { cost: 300, reversible: true } });
    const lines = [JSON.stringify(summary("s-0"))];
    // The default policy keeps them with people; these went to review (the route that did the work).
    for (let i = 0; i < 20; i++) lines.push(JSON.stringify({ outcome: { taskId: "s-0", result: i < 4 ? "overridden" : "approved", route: "supervised" } }));
    lines.push(JSON.stringify(summary("s-1")));
    lines.push(JSON.stringify({ outcome: { taskId: "s-1", result: "approved", route: "human" } }));
    const run = cli(["route", "--learn", "--json", "-"], { input: `${lines.join("\n")}\n` });
    expect(run.code).toBe(1);
    const [first, second] = jsonLines<Decision & { calibration: { approvedFailure: number } }>(run.stdout);
    expect(first!.calibration.approvedFailure).toBeLessThan(first!.calibration.agentFailure);
    expect(second!.calibration.agentObservations).toBe(20);
    // 4 catches and 16 approvals each counted as a share of a failure: more than the catches alone, less than all.
    expect(second!.calibration.agentFailure).toBeLessThan(first!.calibration.agentFailure);
    expect(run.stderr.split("\n")[0]).toBe(
      'stdin:23: outcome.result: approved is a reviewer\'s verdict on an agent\'s result; task "s-1" was done by a person (route human): send succeeded or failed',
    );
  });

  it("reports a bad line with its line number, keeps the good ones, and exits 1", () => {
    const input = [
      JSON.stringify(supportReply),
      "{not json",
      JSON.stringify({ outcome: { taskId: "nobody", result: "succeeded" } }),
      JSON.stringify({ outcome: { taskId: supportReply.id, result: "maybe" } }),
      JSON.stringify({ ...supportReply, id: "t-2", signals: { ruleClosure: 2 } }),
      JSON.stringify({ outcome: { taskId: supportReply.id, result: "failed" } }),
      JSON.stringify({ ...supportReply, id: "t-3" }),
    ].join("\n");
    const run = cli(["route", "--learn", "--json", "-"], { input });
    expect(run.code).toBe(1);
    expect(jsonLines<Decision>(run.stdout).map((d) => d.taskId)).toEqual([supportReply.id, "t-3"]);
    expect(jsonLines<Decision>(run.stdout)[1]!.calibration.agentObservations).toBe(1);
    const err = run.stderr.split("\n");
    expect(err[0]).toMatch(/^stdin:2: invalid JSON: /);
    expect(err[1]).toBe('stdin:3: outcome.taskId: no task "nobody" was decided by this process (or it was forgotten: it keeps the last 100,000)');
    expect(err[2]).toMatch(/^stdin:4: outcome\.result: /);
    expect(err[3]).toMatch(/^stdin:5: signals\.ruleClosure: /);
    expect(run.stderr).toContain("convergent: 4 invalid lines in stdin; 2 decided, 1 outcomes learnt");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("keeps what it learnt in a SQLite store, where a later route and simulate reuse it", () => {
    const ws = workspace();
    try {
      const store = `sqlite:${ws.path("state.db")}`;
      const lines = [JSON.stringify(translate("tr-0")), ...Array.from({ length: 60 }, () => JSON.stringify({ outcome: { taskId: "tr-0", result: "succeeded" } }))];
      const learn = cli(["route", "--learn", "--json", "--store", store, "-"], { input: `${lines.join("\n")}\n` });
      expect(learn.code).toBe(0);
      expect(jsonLines<Decision>(learn.stdout)[0]!.route).toBe("supervised");

      // A new process, not learning: it routes with what the first one kept.
      const later = cli(["route", "--json", "--store", store, "-"], { input: `${JSON.stringify(translate("tr-1"))}\n` });
      expect(later.code).toBe(0);
      const decision = jsonLines<Decision>(later.stdout)[0]!;
      expect(decision.calibration.agentObservations).toBe(60);
      expect(decision.route).toBe("autonomous");
      const without = jsonLines<Decision>(cli(["route", "--json", "-"], { input: `${JSON.stringify(translate("tr-1"))}\n` }).stdout)[0]!;
      expect(without.route).toBe("supervised");

      const tasks = ws.path("tasks.jsonl");
      writeFileSync(tasks, `${JSON.stringify(translate("tr-2"))}\n`);
      const simulated = cli(["simulate", "--tasks", tasks, "--json", "--store", store]);
      expect(simulated.code).toBe(0);
      expect(JSON.parse(simulated.stdout).policies[0].routeMix).toEqual({ autonomous: 1, supervised: 0, human: 0 });
    } finally {
      ws.cleanup();
    }
  });
});
