// Numbers, money and routes in the words and colours the CLI prints.
import { type Route, formatMoney, formatPercent } from "@convergent/router";
import type { Colors } from "./output.js";

/** A whole count with thousands separators: `1,000,000`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Money as decisions write it, two decimals below 100 and whole, grouped amounts above: `0.46 USD`, `12,480 USD`. */
export function money(x: number, currency: string): string {
  return formatMoney(x, currency);
}

/** Minutes, rounded sensibly: `4.5 min`, `1,230 min`. */
export function minutes(x: number): string {
  return `${x >= 100 ? count(x) : (Math.round(x * 10) / 10).toString()} min`;
}

/** A share as a percentage, as decisions write it: `37%`, `2.5%`. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : formatPercent(part / whole);
}

/** A signed difference: `+12.5`, `−3`, `±0`. */
export function signed(x: number, text: (abs: number) => string): string {
  if (Math.abs(x) < 1e-9) return `±${text(0)}`;
  return `${x > 0 ? "+" : "−"}${text(Math.abs(x))}`;
}

/** The route in its colour: autonomous green, supervised yellow, human magenta. */
export function routeText(route: Route, colors: Colors): string {
  if (route === "autonomous") return colors.green(route);
  if (route === "supervised") return colors.yellow(route);
  return colors.magenta(route);
}

/** A policy as people name it: `acme-support v3`. */
export function policyLabel(policy: { readonly id: string; readonly version: number }): string {
  return `${policy.id} v${policy.version}`;
}
