// `node --import ./test/helpers/trace-loads.mjs ...`: writes every module URL the program loads (one a line)
// to the file named by OPTLAB_TRACE_LOADS. Used by the start-up test to check that light commands stay light.
import { register } from 'node:module';

const file = process.env.OPTLAB_TRACE_LOADS;
if (file) {
  const { port1, port2 } = new MessageChannel();
  const { appendFileSync } = await import('node:fs');
  port1.on('message', (url) => appendFileSync(file, `${url}\n`));
  port1.unref();
  register(
    `data:text/javascript,${encodeURIComponent(`
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  port.postMessage(r.url);
  return r;
}`)}`,
    { data: { port: port2 }, transferList: [port2] },
  );
}
