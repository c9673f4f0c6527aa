// Test support of this package (not shipped): runs @azure/identity and openai in a fresh Node
// (NODE_EXTRA_CA_CERTS is read only at start) against an emulator's local authority.
import { fileURLToPath } from 'node:url';
import { type NodeRun, runNode } from '@bots/test-kit';
import type { Emulator } from '../src/emulator.js';

/** The package directory: bare imports in child code resolve from its node_modules. */
export const PACKAGE_DIRECTORY = fileURLToPath(new URL('..', import.meta.url));

/** The scope the Azure OpenAI endpoint's tokens are for. */
export const COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** What a child run printed as its last line (JSON), with the run itself. */
export interface ChildResult {
  run: NodeRun;
  output: Record<string, unknown>;
}

/**
 * The environment of a child that trusts the emulator's CA and uses its authority, plus
 * `extra` (the credential's variables).
 */
export function authorityEnvironment(
  emulator: Emulator,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    NODE_EXTRA_CA_CERTS: emulator.authority.caPath,
    AZURE_AUTHORITY_HOST: emulator.authority.url,
    AZURE_TENANT_ID: emulator.authority.tenantId,
    AZURE_CLIENT_ID: emulator.application.clientId,
    EMULATOR_ENDPOINT: emulator.urls.azureOpenAI,
    EMULATOR_API_VERSION: emulator.apiVersion,
    ...extra,
  };
}

/**
 * Runs `body` (an async function body that may `return` a JSON-able value) in a child with
 * `@azure/identity` and `openai` imported as `identity` and `AzureOpenAI`, and helpers:
 * `ask(credential)` asks the emulator's Azure OpenAI endpoint through `getBearerTokenProvider`,
 * `failure(error)` describes a thrown error. Errors thrown by `body` come back as `{ thrown }`.
 */
export async function runWithIdentity(
  body: string,
  env: Record<string, string | undefined>,
): Promise<ChildResult> {
  const code = `
    import * as identity from '@azure/identity';
    import { AzureOpenAI } from 'openai';
    const scope = ${JSON.stringify(COGNITIVE_SCOPE)};
    const options = { disableInstanceDiscovery: true };
    const client = (azureADTokenProvider) => new AzureOpenAI({
      azureADTokenProvider,
      endpoint: process.env.EMULATOR_ENDPOINT,
      apiVersion: process.env.EMULATOR_API_VERSION,
      deployment: 'gpt-4o',
      maxRetries: 0,
    });
    const ask = async (credential) => {
      const reply = await client(identity.getBearerTokenProvider(credential, scope)).chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hello' }],
      });
      return reply.choices[0].message.content;
    };
    const failure = (error) => ({
      name: error?.name,
      message: String(error?.message ?? error),
      status: error?.status,
      wwwAuthenticate: typeof error?.headers?.get === 'function'
        ? error.headers.get('www-authenticate')
        : error?.headers?.['www-authenticate'],
    });
    try {
      const result = await (async () => { ${body} })();
      console.log(JSON.stringify(result ?? null));
    } catch (error) {
      console.log(JSON.stringify({ thrown: failure(error) }));
    }
  `;
  const run = await runNode(code, { env, cwd: PACKAGE_DIRECTORY, timeoutMs: 90_000 });
  const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
  let output: Record<string, unknown>;
  try {
    output = JSON.parse(lastLine) as Record<string, unknown>;
  } catch {
    throw new Error(
      `The child printed no JSON (code ${run.code}).\nstdout: ${run.stdout}\nstderr: ${run.stderr}`,
    );
  }
  return { run, output };
}
