// What one attempt of a demo agent costs: no tokens (they are programs, not language models) and a little compute.

/** The usage every demo agent reports per attempt: 0 tokens and 0.001 of compute. */
export const computeUsage = { tokens: 0, cost: 0.001 } as const;
