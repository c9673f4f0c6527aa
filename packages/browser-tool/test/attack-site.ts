// What an attacker who controls a page would try, served on loopback: a page (on a site the task
// names) whose scripts reach for another service of this machine in every spelling, through
// fetch, images, frames, WebSocket, redirects and WebRTC; the cloud metadata address; and the
// "other service" itself, a server that records every request it gets and whose answers a
// successful attack would show.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The service the page must not reach: HTTP on 127.0.0.1 and [::1], WebSocket, and UDP (STUN). */
export interface SecretService {
  port: number;
  /** The text it answers with (a page that got it would show it). */
  secret: string;
  /** Every request or connection it got. */
  hits: string[];
  /** UDP datagrams it got on the same port number. */
  datagrams: number;
  close(): Promise<void>;
}

export async function startSecretService(): Promise<SecretService> {
  const secret = `SECRET-${randomBytes(8).toString('hex')}`;
  const hits: string[] = [];
  const handler = (
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse,
  ) => {
    hits.push(`${request.method} ${request.url} from ${request.socket.remoteAddress}`);
    response.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
    response.end(secret);
  };
  const v4 = createServer(handler);
  v4.on('upgrade', (request, socket) => {
    hits.push(`UPGRADE ${request.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => v4.listen(0, '127.0.0.1', resolve));
  const port = (v4.address() as AddressInfo).port;
  const v6: Server = createServer(handler);
  await new Promise<void>((resolve) => {
    v6.once('error', () => resolve()); // no IPv6 loopback here: the IPv4 one is enough
    v6.listen(port, '::1', resolve);
  });
  const udp: UdpSocket = createSocket('udp4');
  let datagrams = 0;
  udp.on('message', () => {
    datagrams++;
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  return {
    port,
    secret,
    hits,
    get datagrams() {
      return datagrams;
    },
    close: async () => {
      v4.closeAllConnections();
      v6.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => v4.close(() => resolve())),
        new Promise<void>((resolve) => (v6.listening ? v6.close(() => resolve()) : resolve())),
        new Promise<void>((resolve) => udp.close(() => resolve())),
      ]);
    },
  };
}

/** The addresses of the secret service the page tries, in the spellings an attacker would use. */
export function attackUrls(port: number): string[] {
  return [
    `http://127.0.0.1:${port}/fetch`,
    `http://localhost:${port}/fetch`,
    `http://[::1]:${port}/fetch`,
    `http://2130706433:${port}/fetch`,
    `http://0x7f000001:${port}/fetch`,
    `http://0x7f.1:${port}/fetch`,
    `http://017700000001:${port}/fetch`,
    `http://127.1:${port}/fetch`,
    `http://0.0.0.0:${port}/fetch`,
    `http://[::ffff:127.0.0.1]:${port}/fetch`,
    `http://169.254.169.254/latest/meta-data/iam/security-credentials/`,
    `http://2852039166/latest/meta-data/`,
  ];
}

function attackPage(port: number): string {
  const urls = JSON.stringify(attackUrls(port));
  return `<!doctype html><html><head><title>Attack</title></head><body>
<h1>Attack page</h1><ul id="log"></ul>
<img src="http://127.0.0.1:${port}/img" alt="">
<iframe src="http://localhost:${port}/frame" width="10" height="10"></iframe>
<script>
const log = (line) => { const item = document.createElement('li'); item.textContent = line; document.getElementById('log').appendChild(item); };
async function attack() {
  for (const url of ${urls}) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      log('REACHED ' + url + ': ' + (await response.text()));
    } catch (error) { log('blocked ' + url); }
  }
  try {
    const response = await fetch('/redirect', { signal: AbortSignal.timeout(5000) });
    log('REACHED redirect: ' + (await response.text()));
  } catch (error) { log('blocked redirect'); }
  await new Promise((resolve) => {
    try {
      const socket = new WebSocket('ws://127.0.0.1:${port}/ws');
      socket.onopen = () => { log('REACHED websocket'); resolve(); };
      socket.onerror = () => { log('blocked websocket'); resolve(); };
      setTimeout(resolve, 5000);
    } catch (error) { log('blocked websocket'); resolve(); }
  });
  await new Promise((resolve) => {
    try {
      const peer = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${port}' }] });
      peer.createDataChannel('x');
      peer.onicegatheringstatechange = () => { if (peer.iceGatheringState === 'complete') resolve(); };
      peer.createOffer().then((offer) => peer.setLocalDescription(offer)).catch(() => resolve());
      setTimeout(resolve, 4000);
    } catch (error) { resolve(); }
  });
  log('webrtc tried');
  log('ATTACK DONE');
  fetch('/done').catch(() => undefined);
}
attack();
</script></body></html>`;
}

/** The site the task names: its attack page, and a redirect to the secret service. */
export interface AttackSite {
  url: string;
  /** The allowHosts entry for this site alone. */
  host: string;
  /** Resolves when the page's scripts said they are done (it fetches /done last). */
  done(): Promise<void>;
  close(): Promise<void>;
}

export async function startAttackSite(secretPort: number): Promise<AttackSite> {
  let finished: () => void = () => undefined;
  let done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/done') {
      finished();
      response.writeHead(204).end();
      return;
    }
    if (path === '/') {
      // A new visit: a new run of the page's scripts.
      done = new Promise<void>((resolve) => {
        finished = resolve;
      });
    }
    if (path === '/redirect' || path === '/go') {
      response.writeHead(302, {
        location: `http://127.0.0.1:${secretPort}/redirected`,
        'access-control-allow-origin': '*',
      });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(attackPage(secretPort));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    host: `127.0.0.1:${port}`,
    done: () => done,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The scripted model of the attack: open the page, read it once its scripts are done (the site
 * saw /done), then open the redirect as a navigation, and answer with everything the page showed.
 */
export function attackScript(site: AttackSite) {
  const siteUrl = site.url;
  return async (request: {
    messages: readonly { role: string; content: string }[];
  }): Promise<string> => {
    const last = request.messages.at(-1)?.content ?? '';
    const reply = (command: string, done = false, thoughts = '') =>
      JSON.stringify({ task_done: done, thoughts: thoughts || 'next', command });
    if (last.startsWith('Task:')) return reply(`open ${siteUrl}`);
    if (last.includes('ATTACK DONE')) {
      const shown = /Text:\n([\s\S]*?)\nElements:/.exec(last)?.[1] ?? last;
      return reply(`open ${siteUrl}go`, false, shown);
    }
    const opened = request.messages.filter(
      (message) => message.role === 'assistant' && message.content.includes(`${siteUrl}go`),
    );
    if (opened.length > 0) {
      const page = request.messages
        .filter((message) => message.role === 'user')
        .map((message) => message.content)
        .join('\n---\n');
      return reply('', true, page);
    }
    await site.done();
    return reply('read');
  };
}
