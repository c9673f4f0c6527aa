import { describe, expect, it } from 'vitest';
import { chromiumFlags } from '../launch-flags.js';
import { parseBrowserCommand } from './browser-actions.js';

describe('parseBrowserCommand', () => {
  it('parses every command', () => {
    expect(parseBrowserCommand('open http://127.0.0.1:8080/a')).toEqual({
      kind: 'open',
      url: 'http://127.0.0.1:8080/a',
    });
    expect(parseBrowserCommand('click [3]')).toEqual({ kind: 'click', element: '3' });
    expect(parseBrowserCommand('type 2 "Dune Messiah"')).toEqual({
      kind: 'type',
      element: '2',
      text: 'Dune Messiah',
    });
    expect(parseBrowserCommand('select 4 Blue')).toEqual({
      kind: 'select',
      element: '4',
      option: 'Blue',
    });
    expect(parseBrowserCommand('press Enter')).toEqual({ kind: 'press', key: 'Enter' });
    expect(parseBrowserCommand('scroll up')).toEqual({ kind: 'scroll', direction: 'up' });
    expect(parseBrowserCommand('read')).toEqual({ kind: 'read' });
    expect(parseBrowserCommand('back')).toEqual({ kind: 'back' });
  });
  it('explains what is wrong', () => {
    expect(parseBrowserCommand('open file:///etc/passwd')).toMatch(/http/);
    expect(parseBrowserCommand('click the button')).toMatch(/element number/);
    expect(parseBrowserCommand('ls -la')).toMatch(/unknown command "ls"/);
  });
});

describe('launch flags', () => {
  it('send every request through the network guard, loopback and link-local included', () => {
    const flags = chromiumFlags({ proxyServer: 'http://127.0.0.1:4567' });
    expect(flags).toEqual(
      expect.arrayContaining([
        '--headless',
        '--no-sandbox',
        '--disable-quic',
        '--proxy-server=http://127.0.0.1:4567',
        '--proxy-bypass-list=<-loopback>',
        '--webrtc-ip-handling-policy=disable_non_proxied_udp',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ]),
    );
    const sandboxed = chromiumFlags({
      proxyServer: 'http://127.0.0.1:4567',
      chromiumSandbox: true,
    });
    expect(sandboxed).not.toContain('--no-sandbox');
    expect(sandboxed).toEqual(expect.arrayContaining(['--headless', '--disable-quic']));
  });
});
