// i18n.translate: the glossary check, the glossary agent and the supervised run a reviewer approves or redirects.
import type { Task } from "@convergent/router";
import { describe, expect, it } from "vitest";
import { createGlossaryAgent, substituteGlossary } from "./translate/agent.js";
import { parseStringIssues } from "./translate/report.js";
import { createGlossaryCheckSandbox } from "./translate/sandbox.js";
import { hasTerm, placeholders } from "./translate/strings.js";
import { demoRuntime, demoTask, errorCurve, reviewerFor } from "./testing.js";

const task = demoTask("i18n.translate");
const verify = (t: Task, output: unknown) => createGlossaryCheckSandbox().verify({ task: t, attempt: 1, output: output as never, idempotencyKey: "k" });

const good = {
  "nav.signIn": "Anmelden",
  "account.title": "Ihr Konto",
  "cart.title": "Ihr Warenkorb",
  "cart.items": "{count} Artikel in Ihrem Warenkorb",
  "checkout.button": "Zur Kasse",
  "checkout.total": "Gesamt: %s",
  "account.greeting": "Willkommen zurück, {name}!",
};

describe("the text helpers", () => {
  it("finds placeholders and whole-word terms", () => {
    expect(placeholders("Hi {name}, {{count}} of %s and %(total)d")).toEqual(["%(total)d", "%s", "{name}", "{{count}}"]);
    expect(hasTerm("Your Account", "account")).toBe(true);
    expect(hasTerm("accounting", "account")).toBe(false);
    expect(hasTerm("Zur Kasse", "kasse")).toBe(true);
  });

  it("substitutes glossary terms, longest first, keeping case and never touching placeholders", () => {
    const glossary = new Map([["Sign in", "Anmelden"], ["sign", "Zeichen"], ["cart", "Warenkorb"], ["name", "Name"]]);
    expect(substituteGlossary("Sign in to your cart, {name}", glossary)).toBe("Anmelden to your Warenkorb, {name}");
    expect(substituteGlossary("Cart", glossary)).toBe("Warenkorb");
  });
});

describe("the glossary-check sandbox", () => {
  it("passes with error 0 exactly when strings, placeholders and glossary all check out", async () => {
    expect(await verify(task, { translations: good })).toMatchObject({ passed: true, error: 0 });
    const verdict = await verify(task, { translations: { ...good, "cart.items": "Artikel im Einkaufswagen", "nav.signIn": "" } });
    expect(verdict).toMatchObject({ passed: false, error: 4 });
    expect(parseStringIssues(verdict.feedback)).toEqual([
      { key: "nav.signIn", message: "not translated" },
      { key: "cart.items", message: "placeholders changed: expected {count}, found none" },
      { key: "cart.items", message: 'glossary term "cart" must appear as "Warenkorb"' },
      { key: "cart.items", message: 'deprecated term "Einkaufswagen": use "Warenkorb"' },
    ]);
  });

  it("counts every string as missing when the output cannot be read", async () => {
    expect(await verify(task, { translations: ["Anmelden"] })).toMatchObject({ passed: false, error: 7 });
  });

  it("rejects a task input without strings, naming the field", async () => {
    await expect(verify({ ...task, input: { targetLocale: "de", strings: {} } }, { translations: {} })).rejects.toThrow(
      "i18n.translate task demo-i18n-checkout: input.strings: must have at least one string",
    );
  });
});

describe("the glossary agent on a real runtime (supervised)", () => {
  it("repairs what the check flags, then waits for a reviewer's approval", async () => {
    const { runtime, store } = demoRuntime([createGlossaryAgent()], [createGlossaryCheckSandbox()]);
    const run = await runtime.submit(task);
    expect(run).toMatchObject({ status: "waiting", route: "supervised", attempts: 2 });
    expect(await errorCurve(store, run.runId)).toEqual([4, 0]);
    const review = run.openCheckpoints[0]!;
    expect(review).toMatchObject({ kind: "approve", purpose: "review", attempt: 2 });
    expect((review.context as { output: { translations: unknown } }).output.translations).toEqual(good);
    const done = await runtime.answer(review.id, { type: "approve" }, reviewerFor(review.assigneeRoles));
    expect(done.run).toMatchObject({ status: "succeeded", output: { translations: good } });
  });

  it("turns a reviewer's rejection into a rule it applies in the next attempt", async () => {
    const { runtime } = demoRuntime([createGlossaryAgent()], [createGlossaryCheckSandbox()]);
    const run = await runtime.submit(task);
    const review = run.openCheckpoints[0]!;
    const rejected = await runtime.answer(review.id, { type: "reject", message: 'Use "Weiter zur Kasse" for "Go to checkout". Sound friendlier.' }, reviewerFor(review.assigneeRoles));
    expect(rejected.run).toMatchObject({ status: "waiting", attempts: 3 });
    const next = rejected.run.openCheckpoints[0]!;
    const output = (next.context as { output: { translations: Record<string, string>; direction: { applied: string[]; ignored: string[] } } }).output;
    expect(output.translations["checkout.button"]).toBe("Weiter zur Kasse");
    expect(output.translations["cart.title"]).toBe("Ihr Warenkorb");
    expect(output.direction).toMatchObject({ applied: ['"Go to checkout" → "Weiter zur Kasse"'], ignored: ["Sound friendlier"] });
  });
});
