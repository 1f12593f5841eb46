// Numbers, money and routes in the words and colours the CLI prints.
import type { Route } from "@convergent/router";
import type { Colors } from "./output.js";

/** A whole count with thousands separators: `1,000,000`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Money with two decimals below 100 and thousands separators above: `0.46 USD`, `12,480 USD`. */
export function money(x: number, currency: string): string {
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : 2;
  return `${x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${currency}`;
}

/** Minutes, rounded sensibly: `4.5 min`, `1,230 min`. */
export function minutes(x: number): string {
  return `${x >= 100 ? count(x) : (Math.round(x * 10) / 10).toString()} min`;
}

/** A share as a percentage: `37%`, `2.5%`. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return "0%";
  const p = (part / whole) * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
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
