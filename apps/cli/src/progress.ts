// Progress bars on stderr, drawn only when stderr is a terminal so that pipes and logs stay clean.
import cliProgress from "cli-progress";

/** A progress bar (a no-op when stderr is not a terminal). */
export interface Progress {
  /** Sets how far along the work is; `total` changes the goal, `label` the text before the bar. */
  update(done: number, options?: { readonly total?: number; readonly label?: string; readonly detail?: string }): void;
  /** Removes the bar. */
  stop(): void;
}

const noProgress: Progress = { update: () => {}, stop: () => {} };

/** True when progress bars may be drawn. */
export function progressEnabled(): boolean {
  return process.stderr.isTTY === true && process.env["CI"] === undefined;
}

/** Starts a progress bar towards `total` units, labelled `label`; `detail` is shown after the percentage. */
export function createProgress(options: { readonly total: number; readonly label: string }): Progress {
  if (!progressEnabled() || options.total <= 0) return noProgress;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{label} {bar} {percentage}% {detail}",
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { label: options.label, detail: "" });
  let stopped = false;
  return {
    update(done, more = {}) {
      if (stopped) return;
      if (more.total !== undefined) bar.setTotal(more.total);
      const payload: Record<string, string> = {};
      if (more.label !== undefined) payload["label"] = more.label;
      if (more.detail !== undefined) payload["detail"] = more.detail;
      bar.update(done, payload);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
