// A reference, not a product: the smallest useful Node gateway (node:http in, undici out, bytes
// relayed as they come, no routing, metrics or logs). `node passthrough-server.ts <upstream> <port>`.
// It shows what Node itself costs on this machine, so modelmux's figures can be read against it.
import { createServer } from 'node:http';
import { Agent } from 'undici';

const [upstream, port] = [process.argv[2], Number(process.argv[3])];
const agent = new Agent({ keepAliveTimeout: 60_000 });

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const controller = new AbortController();
    response.on('close', () => controller.abort());
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(request.headers)) if (name.startsWith('x-sim-') && typeof value === 'string') headers[name] = value;
    agent
      .request({ origin: upstream, path: request.url ?? '/', method: 'POST', headers, body: Buffer.concat(chunks), signal: controller.signal })
      .then(async (answer) => {
        response.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
        for await (const chunk of answer.body) response.write(chunk);
        response.end();
      })
      .catch(() => response.destroy());
  });
}).listen(port, '127.0.0.1');
