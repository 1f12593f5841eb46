// The commented starter policy `convergent policy init` writes: every section, with the defaults spelled out.

/** YAML text of a commented starter policy; `schemaPath` goes into the editor's schema modeline. */
export function starterPolicyYaml(options: { readonly id?: string; readonly schemaPath?: string } = {}): string {
  const schema = options.schemaPath ?? "./policy.schema.json";
  return `# yaml-language-server: $schema=${schema}
# A Convergent routing policy. Check it with \`convergent policy check policy.yaml\`,
# try it on a log of tasks with \`convergent simulate --tasks tasks.jsonl --policy policy.yaml\`.
id: ${options.id ?? "my-policy"}
version: 1                      # bump on every change; decisions name id, version and a content hash

costs:                          # what each side costs, in one currency
  currency: USD
  reviewerPerMinute: 1          # a reviewer's minute
  reviewMinutes: 5              # minutes to review an agent's result
  humanTaskMinutes: 30          # minutes for a person to do the task alone
  agentPerAttempt: 0.05         # one agent attempt (tokens, compute)
  irreversibleMultiplier: 1     # extra weight of irreversible stakes; 1: stakes.cost already says what a failure costs

human:
  errorRate: 0.05               # share of tasks a person alone gets wrong
  reviewCatchRate: 0.8          # share of an agent's failures a reviewer catches

model:                          # the convergence model: rho = (1 - closure * repairEfficiency) * 2^(latency / half-life)
  repairEfficiency: 0.5
  targetError: 0.05             # residual error at which a loop counts as converged
  minFailureRate: 0.01          # an agent never counts as more reliable than this
  initialFailure: 0.5           # share of tasks the agent's first attempt gets wrong; feedback repairs the checkable part

defaults:                       # conservative values for what a task does not declare
  signals:
    feedbackLatencySec: null    # null: feedback never arrives
    ruleClosure: 0
    driftHalfLifeSec: 86400
    horizonSec: null            # null: the budget's maxWallSec
  imputation:                   # a signal a task leaves out, taken from what the kind's other tasks declared
    quantile: 0.75              # the value 75% of them are at least as convergent as
    minTasks: 5                 # declarations needed first; until then the defaults above apply
  stakes:
    cost: 1000
    reversible: false

sandboxes:                      # feedback that sandboxes give kinds of task; they move kinds toward autonomy
  - { kind: "code.*", name: unit-tests, feedbackLatencySec: 30, ruleClosure: 0.9 }

kinds:                          # per-kind overrides of costs, people's rates and budgets (later entries win)
  - { kind: "legal.*", costs: { humanTaskMinutes: 90 }, human: { errorRate: 0.02 } }

rules:                          # hard constraints, before the cost comparison
  - id: big-refunds
    when: { kind: payments.refund, stakes: { cost: { gt: 10000 } } }
    route: human
  - id: no-solo-legal
    when: { kind: "legal.*" }
    forbid: [autonomous]
  - id: finance-eyes
    when: { tags: { includes: finance } }
    requireRoles: [finance]

guards:                         # thresholds that forbid routes whatever the cost
  autonomous: { minScore: 0.25, maxStakes: null }
  supervised: { minScore: 0, maxStakes: null }

risk:
  mode: neutral                 # averse: route on a pessimistic bound of the failure probability
  credibleLevel: 0.9

calibration:
  priorStrength: 10             # how many outcomes the model's own estimate is worth

exploration:
  rate: 0                       # e.g. 0.05: 5% of low-stakes tasks go one step more autonomous, to learn
  maxStakes: 100

budgets:                        # limits of an autonomous run; the monitor escalates before they run out
  maxAttempts: 8
  maxWallSec: 1800

reviewers:
  - { id: ada, name: Ada Lovelace, roles: [reviewer, finance] }
  - { id: lin, roles: [reviewer] }

checkpoints:
  assigneeRoles: [reviewer]
  deadlineSec: 86400
  onTimeout: { action: escalate, roles: [finance] }
`;
}
