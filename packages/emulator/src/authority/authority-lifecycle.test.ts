import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { authorityRequest, tokenPath } from '../../test/authority-request.js';
import { startEmulator } from '../start-emulator.js';

it('writes the CA and the application certificate (key and certificate) and removes them on close', async () => {
  const emulator = await startEmulator();
  const { caPath, caPem } = emulator.authority;
  expect(readFileSync(caPath, 'utf8')).toBe(caPem);
  const bundle = readFileSync(emulator.application.certificatePath, 'utf8');
  expect(bundle).toMatch(/-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
  const tokenFile = emulator.writeFederatedTokenFile();
  expect(dirname(tokenFile)).toBe(dirname(caPath));
  const first = readFileSync(tokenFile, 'utf8');
  expect(emulator.writeFederatedTokenFile({ lifetimeSeconds: 60 })).toBe(tokenFile);
  expect(readFileSync(tokenFile, 'utf8')).not.toBe(first);
  expect(() => emulator.writeFederatedTokenFile({ fileName: '../escape' })).toThrow(TypeError);
  expect(() => emulator.writeFederatedTokenFile({ lifetimeSeconds: 0 })).toThrow(RangeError);
  await emulator.close();
  expect(existsSync(dirname(caPath))).toBe(false);
});

it('applies faults injected for the authority kind to its token endpoint only', async () => {
  const emulator = await startEmulator();
  try {
    const form = {
      grant_type: 'client_credentials',
      client_id: emulator.application.clientId,
      client_secret: emulator.application.secret,
      scope: 'https://cognitiveservices.azure.com/.default',
    };
    emulator.inject({ status: 503 }, { kinds: ['authority'] });
    const path = tokenPath(emulator.authority.tenantId);
    expect((await authorityRequest(emulator, path, form)).status).toBe(503);
    expect(emulator.requests.last('authority')).toMatchObject({
      status: 503,
      fault: { status: 503 },
      authority: { reason: 'injected fault' },
    });
    expect((await authorityRequest(emulator, path, form)).status).toBe(200);
    expect(emulator.tokenRequestCount).toBe(2);
  } finally {
    await emulator.close();
  }
});
