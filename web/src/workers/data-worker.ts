/**
 * The data worker: fetches a registry dataset from the server (or reads a file the user opened), decompresses
 * gzip, parses it with the core's LIBSVM parser and posts the matrix back (moved, not copied), with progress
 * along the way. Errors are the CLI's, `FILE:LINE:COLUMN: reason`.
 */
import { InputError, OptlabError } from '../../../src/errors.js';
import { readLibsvmStream } from '../load.js';
import type { DataMessage, LoadRequest } from '../protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: DataMessage, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

async function load(req: LoadRequest): Promise<void> {
  let stream: ReadableStream<Uint8Array>;
  let total: number;
  if ('url' in req.source) {
    let res: Response;
    try {
      res = await fetch(req.source.url);
    } catch (e) {
      throw new OptlabError(`cannot download ${req.name}: ${(e as Error).message}`);
    }
    if (!res.ok || res.body === null) throw new OptlabError(`cannot download ${req.name}: HTTP ${res.status}`);
    total = Number(res.headers.get('content-length')) || 0;
    stream = res.body;
  } else {
    total = req.source.file.size;
    stream = req.source.file.stream() as ReadableStream<Uint8Array>;
  }
  const phase = 'url' in req.source ? 'download' : 'parse';
  const data = await readLibsvmStream(stream, {
    name: req.name,
    features: req.features,
    total,
    onProgress: (done, all, rows) => post({ kind: 'progress', phase, done, total: all, rows }),
  });
  if (req.sha256 !== undefined && !data.gzip && data.sha256 !== '' && data.sha256 !== req.sha256) {
    throw new OptlabError(`${req.name}: SHA-256 ${data.sha256} does not match the registry's ${req.sha256}`);
  }
  const buffers: Transferable[] = [data.rowPtr.buffer, data.colIdx.buffer, data.labels.buffer];
  if (data.values !== null) buffers.push(data.values.buffer);
  post({ kind: 'loaded', data }, buffers);
}

scope.onmessage = (e: MessageEvent<LoadRequest>) => {
  load(e.data).catch((err: unknown) => {
    if (err instanceof InputError) post({ kind: 'error', message: err.message, line: err.line, column: err.column });
    else if (err instanceof OptlabError) post({ kind: 'error', message: err.message });
    else post({ kind: 'error', message: `internal error: ${err instanceof Error ? err.message : String(err)}` });
  });
};
