// Tables for the terminal: boxed for small summaries, borderless (kubectl style) for long lists.
import Table from "cli-table3";
import type { Colors } from "./output.js";

/** How a column is aligned. */
export type Align = "left" | "right";

/** Columns and rows of a table; cells are plain or already coloured text. */
export interface TableData {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly align?: readonly Align[];
}

/** A boxed table with a bold header row. */
export function boxTable(data: TableData, colors: Colors): string {
  const table = new Table({
    head: data.head.map((h) => colors.bold(h)),
    colAligns: data.align ? [...data.align] : [],
    style: { head: [], border: [], compact: true, "padding-left": 1, "padding-right": 1 },
  });
  for (const row of data.rows) table.push([...row]);
  return table.toString();
}

const noBorders = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/** A borderless table with an upper-case header (bold on a terminal), indented by `indent` spaces. */
export function listTable(data: TableData, colors: Colors, indent = 2): string {
  const table = new Table({
    head: data.head.map((h) => colors.bold(h.toUpperCase())),
    colAligns: data.align ? [...data.align] : [],
    chars: noBorders,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
  });
  for (const row of data.rows) table.push([...row]);
  const pad = " ".repeat(indent);
  return table
    .toString()
    .split("\n")
    .map((line) => `${pad}${line.trimEnd()}`)
    .join("\n");
}
