// Test support of this package (not shipped): runs the real ManagedIdentityCredential, then the
// real openai AzureOpenAI client on its tokens, in a fresh Node process (msal-node pins the
// managed-identity source per process) with only one shape's environment.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AVAILABLE, type Availability, type NodeRun, runNode, unavailable } from '@bots/test-kit';
import type { Emulator } from '../src/emulator.js';
import { AZURE_ARC_KEY_FOLDER } from '../src/managed-identity/arc-key-file.js';
import type { ManagedIdentitySource } from '../src/managed-identity/managed-identity-source.js';

/** One credential to build in the child: `options` for `new ManagedIdentityCredential(options)`. */
export interface CredentialCase {
  name: string;
  options?: { clientId?: string; resourceId?: string; objectId?: string };
}

/** What the child saw for one case. */
export interface CaseResult {
  name: string;
  ok: boolean;
  claims?: { aud: string; appid: string; client_id: string; oid: string };
  expiresOnTimestamp?: number;
  errorName?: string;
  message?: string;
}

/** The child's results, the model reply and the run itself. */
export interface ChildOutcome {
  run: NodeRun;
  results: CaseResult[];
  reply: string | undefined;
}

const SCOPE = 'https://cognitiveservices.azure.com/.default';
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

/** Runs the cases in order, then one chat completion through `getBearerTokenProvider`. */
export async function runCredentialCases(
  emulator: Emulator,
  shape: ManagedIdentitySource,
  cases: readonly CredentialCase[],
  envOverrides: Record<string, string> = {},
): Promise<ChildOutcome> {
  const code = `
import { ManagedIdentityCredential, getBearerTokenProvider } from '@azure/identity';
import { AzureOpenAI } from 'openai';
const results = [];
for (const { name, options } of ${JSON.stringify(cases)}) {
  try {
    const token = await new ManagedIdentityCredential(options).getToken(${JSON.stringify(SCOPE)});
    const { aud, appid, client_id, oid } = JSON.parse(Buffer.from(token.token.split('.')[1], 'base64url'));
    results.push({ name, ok: true, claims: { aud, appid, client_id, oid }, expiresOnTimestamp: token.expiresOnTimestamp });
  } catch (error) {
    results.push({ name, ok: false, errorName: error.name, message: error.message });
  }
}
let reply;
try {
  const client = new AzureOpenAI({
    azureADTokenProvider: getBearerTokenProvider(new ManagedIdentityCredential(), ${JSON.stringify(SCOPE)}),
    endpoint: ${JSON.stringify(emulator.urls.azureOpenAI)},
    apiVersion: ${JSON.stringify(emulator.apiVersion)},
    deployment: 'gpt-4o-mini',
    maxRetries: 0,
  });
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  reply = completion.choices[0]?.message.content;
} catch (error) {
  reply = 'model call failed: ' + error.message;
}
console.log(JSON.stringify({ results, reply }));
`;
  const env = { ...emulator.credentialEnv(shape), ...envOverrides };
  const run = await runNode(code, { env, cwd: packageDirectory });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  let parsed: { results: CaseResult[]; reply: string | undefined };
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new Error(
      `The child printed no results (exit ${run.code}): ${run.stdout}\n${run.stderr}`,
    );
  }
  return { run, ...parsed };
}

/** The results by case name. */
export function byName(results: readonly CaseResult[]): Record<string, CaseResult> {
  return Object.fromEntries(results.map((result) => [result.name, result]));
}

/** Whether the Azure Arc key folder can be written here (it needs root, as CI runs). */
export function arcKeyFolderAvailability(): Availability {
  let folder = AZURE_ARC_KEY_FOLDER;
  while (!existsSync(folder)) folder = dirname(folder);
  try {
    accessSync(folder, constants.W_OK);
    return AVAILABLE;
  } catch {
    return unavailable(
      `the Azure Arc key folder ${AZURE_ARC_KEY_FOLDER} cannot be created or written (${folder} is not writable); run the tests as root (CI does)`,
    );
  }
}
