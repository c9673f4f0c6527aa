// Attacks on the host rule through a real page in real Chromium, with each runner: the local
// runner (the browser on this host; as root here, the unprivileged case is in
// local-runner.test.ts) and the browser container. The page is on a site the task names; its
// scripts reach for another service of this machine in every spelling, for the cloud metadata
// endpoint, through a redirect, a WebSocket and WebRTC. The other service records what reached it.
import { useEmulator } from '@bots/emulator/testing';
import { chromiumAvailability, describeWhen, dockerAvailability } from '@bots/test-kit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type AttackSite,
  attackScript,
  attackUrls,
  type SecretService,
  startAttackSite,
  startSecretService,
} from '../test/attack-site.js';
import { browserContainers } from '../test/docker-support.js';
import { type BrowserRunner, runBrowserTask } from './run-browser-task.js';

const runners: [BrowserRunner, string, Awaited<ReturnType<typeof dockerAvailability>>][] = [
  ['local', 'host Chromium', chromiumAvailability()],
  ['docker', 'the browser container, Docker engine', await dockerAvailability()],
];

for (const [runner, where, availability] of runners)
  describeWhen(`host rule attacks through a page (${where})`, availability, () => {
    let secret: SecretService;
    let site: AttackSite;

    beforeAll(async () => {
      secret = await startSecretService();
      site = await startAttackSite(secret.port);
    });
    afterAll(async () => {
      await site?.close();
      await secret?.close();
    });
    // Registered after the site's hooks: it starts once the site is up and closes before it.
    const emulator = useEmulator(() => ({ script: attackScript(site) }));

    test('a page on the named site reaches no other loopback port, no metadata address, in no spelling, by no route', async () => {
      const result = await runBrowserTask(`Look at ${site.url}`, {
        model: 'azure-openai/gpt-4o',
        env: { ...emulator.env, ...emulator.keyEnv },
        runner,
        allowHosts: [site.host],
        timeoutMs: 120_000,
      });
      expect(result.runner).toBe(runner);
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('success');
      const shown = result.result ?? '';
      // The page's scripts ran to the end, and every attempt failed.
      expect(shown).toContain('ATTACK DONE');
      for (const url of attackUrls(secret.port)) expect(shown).toContain(`blocked ${url}`);
      expect(shown).toContain('blocked redirect');
      expect(shown).toContain('blocked websocket');
      expect(shown).not.toContain('REACHED');
      expect(shown).not.toContain(secret.secret);
      // Nothing reached the other service: no HTTP request (fetch, img, iframe, redirect), no
      // WebSocket upgrade, no WebRTC datagram on its port.
      expect(secret.hits).toEqual([]);
      expect(secret.datagrams).toBe(0);
      // The navigation to a redirect that points at it showed the guard's refusal instead.
      expect(shown).toMatch(/Title: Refused by the browser's host rule/);
      // Each was refused by the rule, with the reason; the metadata address was refused by the
      // rule before any connection (nothing left loopback).
      const reasons = result.refusedRequests.map((entry) => `${entry.target} ${entry.reason}`);
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^http://127\\.0\\.0\\.1:${secret.port}/fetch .*loopback.*add "127\\.0\\.0\\.1:${secret.port}"`,
            ),
          ),
          expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${secret.port}/redirected `)),
          expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${secret.port} `)), // the WebSocket's CONNECT
          expect.stringMatching(new RegExp(`^http://localhost:${secret.port}/`)),
          expect.stringMatching(new RegExp(`^http://\\[::1\\]:${secret.port}/fetch `)),
          expect.stringMatching(
            new RegExp(`^http://0\\.0\\.0\\.0:${secret.port}/fetch .*never reaches`),
          ),
          expect.stringMatching(new RegExp(`^http://\\[::ffff:7f00:1\\]:${secret.port}/fetch `)),
          expect.stringMatching(
            /^http:\/\/169\.254\.169\.254:80\/latest\/meta-data\/iam\/security-credentials\/ .*link-local/,
          ),
        ]),
      );
      if (runner === 'docker') expect(await browserContainers()).toEqual([]);
    });
  });
