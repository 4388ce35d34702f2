/**
 * A run worker: one run of one method, driven in time slices so that a stop message is handled between two
 * slices; the new trace points go to the page after every slice (about every 50 ms), the record at the end.
 */
import { OptlabError } from '../../../src/errors.js';
import { prepareRun } from '../execute.js';
import type { RunMessage, RunRequest } from '../protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: RunMessage) => scope.postMessage(m);

/** Milliseconds of work between two looks at the message queue. */
const SLICE_MS = 50;

let stopRequested = false;

/** Yields to the event loop (a message-channel task: no 4 ms clamp as with nested setTimeout). */
const channel = new MessageChannel();
let wake: (() => void) | null = null;
channel.port1.onmessage = () => wake?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    wake = resolve;
    channel.port2.postMessage(null);
  });
}

async function start(req: Extract<RunRequest, { kind: 'start' }>): Promise<void> {
  const run = prepareRun(req.spec, req.problem, req.train, req.test);
  post({ kind: 'started', params: run.params });
  let sent = 0;
  const flush = () => {
    const trace = run.runner.trace;
    if (trace.length > sent) {
      post({ kind: 'trace', points: trace.slice(sent) });
      sent = trace.length;
    }
  };
  flush();
  if (stopRequested) run.runner.interrupt('stopped in the playground');
  while (!run.runner.advance(SLICE_MS)) {
    flush();
    await yieldToEvents();
    if (stopRequested) run.runner.interrupt('stopped in the playground');
  }
  flush();
  post({ kind: 'done', record: run.record() });
}

scope.onmessage = (e: MessageEvent<RunRequest>) => {
  const msg = e.data;
  if (msg.kind === 'stop') {
    stopRequested = true;
    return;
  }
  start(msg).catch((err: unknown) => {
    const message =
      err instanceof OptlabError
        ? err.message
        : `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    post({ kind: 'error', message });
  });
};
