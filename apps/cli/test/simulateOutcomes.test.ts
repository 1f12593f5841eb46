// `convergent simulate --outcomes`: off-policy evaluation of policies on a log of past runs, as the built binary.
import { afterEach, describe, expect, it } from "vitest";
import { cli, peoplePolicyYaml, supportReply, toJsonl, workspace } from "./helpers.js";

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

interface Estimate {
  mean: number;
  low: number;
  high: number;
}
interface Report {
  policy: { id: string };
  runs: number;
  matched: number;
  logged: Estimate;
  doublyRobust: Estimate;
  inversePropensity: Estimate;
  routeMix: Record<string, number>;
}

/** Support replies logged under a router that picked routes at random: agents' work cost 8, people's 40. */
const log = Array.from({ length: 300 }, (_, i) => {
  const route = ["autonomous", "supervised", "human"][i % 3]!;
  return { task: { ...supportReply, id: `r-${i}` }, route, result: "succeeded", propensity: 1 / 3, cost: route === "human" ? 40 : route === "supervised" ? 14 : 8 };
});

describe("convergent simulate --outcomes", () => {
  it("estimates what each policy would have cost on the log, with intervals, as JSON", () => {
    ws = workspace({ "runs.jsonl": toJsonl(log), "people.yaml": peoplePolicyYaml });
    const run = cli(["simulate", "--outcomes", "runs.jsonl", "--against", "people.yaml", "--json"], { cwd: ws.dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const { runs, policies } = JSON.parse(run.stdout) as { runs: number; policies: Report[] };
    expect(runs).toBe(300);
    const [agents, people] = policies as [Report, Report];
    expect(agents.routeMix.autonomous).toBe(300);
    expect(people.policy.id).toBe("people-first");
    expect(people.routeMix.human).toBe(300);
    // Each agrees with a third of the log; reweighted, its runs say what the policy costs.
    expect(agents.matched).toBe(100);
    expect(agents.inversePropensity.mean).toBeCloseTo(8, 6);
    expect(people.inversePropensity.mean).toBeCloseTo(40, 6);
    expect(agents.doublyRobust.low).toBeLessThanOrEqual(8);
    expect(agents.doublyRobust.high).toBeGreaterThanOrEqual(8);
    expect(agents.logged.mean).toBeCloseTo((8 + 14 + 40) / 3, 6);
  });

  it("prints a table, reports bad lines with their number and exits 1", () => {
    const lines = [JSON.stringify(log[0]), "{oops", JSON.stringify({ ...log[1], route: "robot" }), JSON.stringify({ ...log[2], task: { ...supportReply, signals: { ruleClosure: 3 } } })];
    ws = workspace({ "runs.jsonl": `${lines.join("\n")}\n` });
    const run = cli(["simulate", "--outcomes", "runs.jsonl"], { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Evaluated on 1 logged run from runs.jsonl.");
    expect(run.stdout).toContain("doubly robust");
    const err = run.stderr.split("\n");
    expect(err[0]).toMatch(/^runs\.jsonl:2: invalid JSON: /);
    expect(err[1]).toMatch(/^runs\.jsonl:3: route: /);
    expect(err[2]).toMatch(/^runs\.jsonl:4: task\.signals\.ruleClosure: /);
    expect(run.stderr).toContain("convergent: 3 invalid lines in runs.jsonl were left out; 1 evaluated");
  });
});
