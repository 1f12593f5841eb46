// The runtime benchmark's peer: the same checkpoint round trip in LangGraph — a StateGraph whose first node
// asks a person with interrupt() and whose second node completes — on MemorySaver or SqliteSaver.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import type { JsonValue, Task } from "@convergent/router";
import { Annotation, type BaseCheckpointSaver, Command, END, MemorySaver, START, StateGraph, interrupt } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

/** The peer's name in reports. */
export const langGraphName = "@langchain/langgraph";

const PeerState = Annotation.Root({
  task: Annotation<Task>(),
  answer: Annotation<JsonValue | null>(),
  output: Annotation<JsonValue | null>(),
  status: Annotation<string>(),
});

type PeerStateValue = typeof PeerState.State;

/** A compiled LangGraph graph on a checkpointer, and what one checkpoint round trip on it is. */
export interface LangGraphPeer {
  /** `memory` (MemorySaver) or `sqlite` (SqliteSaver on a file). */
  readonly store: "memory" | "sqlite";
  /**
   * One round trip on a new thread: invoke until the interrupt, then resume with `new Command({ resume: answer })`
   * until the end. Resolves to true when the graph reached its end with the answer as its output.
   */
  roundTrip(threadId: string, task: Task, answer: JsonValue): Promise<boolean>;
  /** Threads in the checkpointer, and how many of them hold a completed run (read back from the checkpointer). */
  countThreads(): Promise<{ readonly threads: number; readonly completed: number }>;
  close(): Promise<void>;
}

/** Builds the two-node graph: `ask` interrupts for a person's answer, `complete` records it as the output. */
function buildGraph() {
  return new StateGraph(PeerState)
    .addNode("ask", (state: PeerStateValue) => {
      const answer = interrupt({ question: `Do "${state.task.title}" and record the result.`, taskId: state.task.id, kind: state.task.kind }) as JsonValue;
      return { answer };
    })
    .addNode("complete", (state: PeerStateValue) => ({ output: state.answer, status: "succeeded" }))
    .addEdge(START, "ask")
    .addEdge("ask", "complete")
    .addEdge("complete", END);
}

/**
 * Creates the peer on a MemorySaver (no `path`) or on a SqliteSaver over the file at `path`. The SQLite
 * connection is set to `synchronous = NORMAL`, as Convergent's store is, so both commit with the same durability
 * (WAL mode, no fsync per commit); LangGraph's own default is FULL.
 */
export function createLangGraphPeer(options: { readonly path?: string } = {}): LangGraphPeer {
  let saver: BaseCheckpointSaver;
  let sqlite: SqliteSaver | undefined;
  if (options.path === undefined) {
    saver = new MemorySaver();
  } else {
    sqlite = SqliteSaver.fromConnString(options.path);
    sqlite.db.pragma("synchronous = NORMAL");
    saver = sqlite;
  }
  const graph = buildGraph().compile({ checkpointer: saver });
  return {
    store: sqlite === undefined ? "memory" : "sqlite",
    async roundTrip(threadId, task, answer) {
      const config = { configurable: { thread_id: threadId } };
      const first = (await graph.invoke({ task, answer: null, output: null, status: "waiting" }, config)) as { __interrupt__?: unknown[] };
      if (first.__interrupt__?.length !== 1) return false;
      const done = await graph.invoke(new Command({ resume: answer }), config);
      return done.status === "succeeded" && JSON.stringify(done.output) === JSON.stringify(answer);
    },
    async countThreads() {
      const threads = new Set<string>();
      const completed = new Set<string>();
      for await (const tuple of saver.list({})) {
        const id = String(tuple.config.configurable?.["thread_id"]);
        threads.add(id);
        if ((tuple.checkpoint.channel_values as { status?: unknown }).status === "succeeded") completed.add(id);
      }
      return { threads: threads.size, completed: completed.size };
    },
    async close() {
      sqlite?.db.close();
    },
  };
}

/** The installed version of a package ("unknown" when it cannot be read), found from its resolved entry point. */
export function installedVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version !== undefined) return pkg.version;
      } catch {
        // no package.json here: look one level up
      }
      dir = dirname(dir);
    }
  } catch {
    // not resolvable
  }
  return "unknown";
}
