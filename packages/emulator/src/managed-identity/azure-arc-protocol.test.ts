import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWhen } from '@bots/test-kit';
import { expect, it } from 'vitest';
import { arcKeyFolderAvailability } from '../../test/managed-identity-child.js';
import { startEmulator } from '../start-emulator.js';
import { ArcKeyFile, AZURE_ARC_KEY_FOLDER, AzureArcKeyFolderError } from './arc-key-file.js';
import { MANAGED_IDENTITY_PATHS } from './managed-identity-source.js';

it('says how to fix it when the key folder cannot be written', () => {
  // A folder under a plain file cannot be created, whoever runs the test (ENOTDIR).
  const scratch = mkdtempSync(join(tmpdir(), 'arc-key-'));
  try {
    writeFileSync(join(scratch, 'file'), '');
    const keyFile = new ArcKeyFile(join(scratch, 'file', 'tokens/'));
    expect(() => keyFile.ensure()).toThrow(AzureArcKeyFolderError);
    expect(() => keyFile.ensure()).toThrow(
      /needs to write its challenge key under .*\/file\/tokens\/ .*\(ENOTDIR\)\. Run as root.*or use another shape, e\.g\. imds\./,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

describeWhen('azure-arc challenge', arcKeyFolderAvailability(), () => {
  it('challenges with a .key file under /var/opt/azcmagent/tokens/, takes its content as Basic credentials, and removes it on close', async () => {
    const emulator = await startEmulator();
    let keyPath = '';
    try {
      const endpoint = `${emulator.urls.base}${MANAGED_IDENTITY_PATHS['azure-arc']}?api-version=2019-11-01&resource=https://ai.azure.com`;
      const first = await fetch(endpoint, { headers: { Metadata: 'true' } });
      expect(first.status).toBe(401);
      const challenge = first.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Basic realm=\/var\/opt\/azcmagent\/tokens\/[^/]+\.key$/);
      keyPath = challenge.slice('Basic realm='.length);
      expect(keyPath.startsWith(AZURE_ARC_KEY_FOLDER)).toBe(true);
      expect(statSync(keyPath).size).toBeLessThanOrEqual(4096);
      const key = readFileSync(keyPath, 'utf8');

      const wrong = await fetch(endpoint, {
        headers: { Metadata: 'true', Authorization: 'Basic nope' },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(endpoint, {
        headers: { Metadata: 'true', Authorization: `Basic ${key}` },
      });
      expect(right.status).toBe(200);
      expect(await right.json()).toMatchObject({
        resource: 'https://ai.azure.com',
        token_type: 'Bearer',
      });

      const noMetadata = await fetch(endpoint, { headers: { Authorization: `Basic ${key}` } });
      expect(noMetadata.status).toBe(400);
      const oldVersion = await fetch(endpoint.replace('2019-11-01', '2018-02-01'), {
        headers: { Metadata: 'true' },
      });
      expect(await oldVersion.json()).toEqual({
        error: 'invalid_request',
        error_description:
          "The api-version '2018-02-01' is not supported. Supported are 2021-02-01 2020-06-01 2019-11-01 2019-08-15",
      });
      expect(JSON.stringify(emulator.requests.all())).not.toContain(key);
    } finally {
      await emulator.close();
    }
    expect(existsSync(keyPath)).toBe(false);
  });
});
