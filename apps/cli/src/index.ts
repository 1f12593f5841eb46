// @convergent/cli: the `convergent` command, and the pieces of it other programs may reuse.
export { main, createProgram, cliVersion } from "./main.js";
export { createContext } from "./context.js";
export type { CliContext } from "./context.js";
export { CliError, exitCodes, errorLines, reportError } from "./errors.js";
export { openTaskInput, readTasks } from "./taskInput.js";
export type { TaskInput, TaskItem, TaskReadSummary } from "./taskInput.js";
export { explainDecision } from "./explain.js";
export type { ExplainContext } from "./explain.js";
export { formatSimulation, formatSummaryTable, formatChanges, peopleCost } from "./simulationText.js";
export type { ReasonDetail, SimulationTextOptions } from "./simulationText.js";
export { renderHtmlReport, escapeHtml } from "./htmlReport.js";
export type { HtmlReportOptions } from "./htmlReport.js";
export { routeMixSpec, costSpec, renderSvg } from "./charts.js";
