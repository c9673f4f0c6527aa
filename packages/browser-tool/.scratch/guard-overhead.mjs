import { createServer, request, Agent } from 'node:http';
import { startNetworkGuard, parseHostRule } from '../dist/index.js';
const site = createServer((q, r) => r.end('x'.repeat(2000)));
await new Promise((r) => site.listen(0, '127.0.0.1', r));
const port = site.address().port;
const guard = await startNetworkGuard({ rule: parseHostRule([`127.0.0.1:${port}`]), listen: { port: 0 } });
const proxyPort = Number(new URL(guard.proxyUrl).port);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const get = (viaProxy) => new Promise((resolve, reject) => {
  const options = viaProxy ? { host: '127.0.0.1', port: proxyPort, path: `http://127.0.0.1:${port}/`, agent } : { host: '127.0.0.1', port, path: '/', agent };
  request(options, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject).end();
});
for (const via of [false, true, false, true]) {
  const n = 500; const t = performance.now();
  for (let i = 0; i < n; i++) await get(via);
  console.log(via ? 'via guard' : 'direct   ', ((performance.now() - t) / n).toFixed(3), 'ms/request');
}
await guard.close(); site.close(); agent.destroy();
