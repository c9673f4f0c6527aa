import { existsSync } from 'node:fs';
import {
  type AuthMethod,
  ConfigurationError,
  credentialForMethod,
  type Env,
  loadIdentity,
  readJwtClaims,
  redact,
  registerSecret,
  resolveAuthMethod,
  type TokenCredential,
} from '@bots/auth';
import { browserImageTag } from '@bots/browser-tool';
import { SANDBOX_IMAGE } from '@bots/core';
import {
  type ChatModel,
  type ModelConnection,
  modelForms,
  parseModel,
  providerNamed,
  resolveScope,
  takesTokens,
} from '@bots/providers';
import { HELP_OPTION, MODEL_OPTION, REQUEST_TIMEOUT_OPTION } from '../bot-options.js';
import { chooseBrowserRunner, chromiumPath } from '../browser-choice.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { describeConnectFailure } from '../connect-failure.js';
import {
  type ChainLink,
  chainFailures,
  chainOf,
  describeChain,
  managedIdentitySource,
  onPath,
} from '../credential-chain.js';
import { dockerHasImage, probeDocker } from '../docker-probe.js';
import { jsonOutput } from '../json-output.js';
import { leftoverLines, removeLeftovers } from '../leftovers.js';
import { chooseModel } from '../model-choice.js';
import { connectionLine, describeConnection, resolveModel } from '../model-setup.js';
import { flag } from '../option-table.js';
import { parseCommand } from '../parse-command.js';
import { BWRAP_INSTALL_HINT, DOCKER_INSTALL_HINT, probeBwrap } from '../sandbox-choice.js';
import { style } from '../style.js';

// Over 300 lines because it is one report: each check (auth, token, model, endpoint, Docker,
// bubblewrap, sandbox, browser) is a few lines that read the same env and feed one verdict.

const TOKEN_TIMEOUT_MS = 20_000;

/** `a, b, c or d`. */
function orList(items: readonly string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
    : (items[0] ?? '');
}
const ENDPOINT_TIMEOUT_MS = 5_000;

/** `ok`: fine; `warn`: worth knowing; `missing`: something needed is not there (exit 1); `error`: configuration error (exit 2). */
type Status = 'ok' | 'warn' | 'missing' | 'error';

interface Check {
  name: string;
  status: Status;
  lines: string[];
  /** The model check: how the model is reached, as `resolveConnection` decided it (no secret). */
  connection?: ModelConnection;
}

const CREDENTIAL_CLASS: Record<Exclude<AuthMethod, 'api_key'>, string> = {
  azure_ad: 'DefaultAzureCredential',
  managed_identity: 'ManagedIdentityCredential',
  azure_cli: 'AzureCliCredential',
  azure_developer_cli: 'AzureDeveloperCliCredential',
  environment: 'EnvironmentCredential',
  workload_identity: 'WorkloadIdentityCredential',
};

/** What the credential of a method will find (names of variables; values only when not secret). */
function credentialSources(
  method: Exclude<AuthMethod, 'api_key'>,
  env: Env,
  chain: readonly ChainLink[] | undefined,
): string[] {
  const clientId = env.AZURE_CLIENT_ID?.trim();
  switch (method) {
    case 'azure_ad': {
      const narrowed = env.AZURE_TOKEN_CREDENTIALS?.trim()
        ? [`AZURE_TOKEN_CREDENTIALS=${env.AZURE_TOKEN_CREDENTIALS} narrows the chain`]
        : [];
      if (!chain)
        return [
          ...narrowed,
          'its chain of credentials is not known (not a ChainedTokenCredential)',
        ];
      return [
        ...narrowed,
        'chain, in the order the installed @azure/identity tries it (the first that gives a token wins):',
        ...describeChain(chain, env),
      ];
    }
    case 'managed_identity':
      return [`managed identity: ${managedIdentitySource(env)}`];
    case 'environment':
      return [
        `service principal: AZURE_TENANT_ID ${env.AZURE_TENANT_ID ?? 'NOT set'}, AZURE_CLIENT_ID ${clientId ?? 'NOT set'}, ${env.AZURE_CLIENT_SECRET ? 'AZURE_CLIENT_SECRET set' : env.AZURE_CLIENT_CERTIFICATE_PATH ? `certificate ${env.AZURE_CLIENT_CERTIFICATE_PATH}` : 'NO secret or certificate set'}`,
      ];
    case 'workload_identity':
      return [
        `workload identity: AZURE_FEDERATED_TOKEN_FILE ${env.AZURE_FEDERATED_TOKEN_FILE ?? 'NOT set'}, AZURE_CLIENT_ID ${clientId ?? 'NOT set'}, AZURE_TENANT_ID ${env.AZURE_TENANT_ID ?? 'NOT set'}`,
      ];
    case 'azure_cli':
      return [`az ${onPath('az') ? 'on PATH (az login)' : 'NOT installed'}`];
    case 'azure_developer_cli':
      return [`azd ${onPath('azd') ? 'on PATH (azd auth login)' : 'NOT installed'}`];
  }
}

function message(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function minutesLeft(expiresAt: number): string {
  const minutes = Math.round((expiresAt - Date.now()) / 60_000);
  return minutes >= 0 ? `${minutes} min left` : `expired ${-minutes} min ago`;
}

async function tokenCheck(
  credential: TokenCredential,
  method: Exclude<AuthMethod, 'api_key'>,
  scope: string,
  chain: readonly ChainLink[] | undefined,
): Promise<Check> {
  const started = Date.now();
  try {
    const signal = AbortSignal.timeout(TOKEN_TIMEOUT_MS);
    const timeout = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () =>
        reject(new Error(`no token within ${TOKEN_TIMEOUT_MS / 1000} s`)),
      );
    });
    const token = await Promise.race([
      credential.getToken(scope, { abortSignal: signal }),
      timeout,
    ]);
    if (!token?.token)
      return {
        name: 'token',
        status: 'missing',
        lines: [`${CREDENTIAL_CLASS[method]} returned no token for ${scope}`],
      };
    registerSecret(token.token);
    const payload = readJwtClaims(token.token) ?? {};
    const expiresAt = token.expiresOnTimestamp || Number(payload.exp) * 1000;
    const lines = [
      `got a token for scope ${scope} in ${Date.now() - started} ms (the token itself is never shown)`,
      `audience ${String(payload.aud ?? '(not a JWT: unknown)')}`,
      `expires ${Number.isFinite(expiresAt) ? `${new Date(expiresAt).toISOString()} (${minutesLeft(expiresAt)})` : 'unknown'}`,
    ];
    const ids = [
      payload.tid ? `tenant ${String(payload.tid)}` : undefined,
      payload.appid || payload.azp ? `app ${String(payload.appid ?? payload.azp)}` : undefined,
      payload.oid ? `object ${String(payload.oid)}` : undefined,
      payload.idtyp ? `type ${String(payload.idtyp)}` : undefined,
    ].filter(Boolean);
    if (ids.length > 0) lines.push(ids.join(', '));
    return { name: 'token', status: expiresAt > Date.now() ? 'ok' : 'missing', lines };
  } catch (error) {
    const status: Status = error instanceof ConfigurationError ? 'error' : 'missing';
    const each = chainFailures(error, chain);
    return {
      name: 'token',
      status,
      lines: [
        `no token for scope ${scope} after ${Date.now() - started} ms: ${message(error)}`,
        ...(each ? ['each credential of the chain said:', ...each] : []),
      ],
    };
  }
}

async function endpointCheck(model: ChatModel): Promise<Check> {
  const endpoint = model.connection?.endpoint;
  if (!endpoint)
    return {
      name: 'endpoint',
      status: 'warn',
      lines: ['the model does not say where it is reached'],
    };
  const started = Date.now();
  try {
    const response = await fetch(endpoint, {
      method: 'GET',
      signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return {
      name: 'endpoint',
      status: 'ok',
      lines: [
        `${endpoint} reachable (HTTP ${response.status} in ${Date.now() - started} ms; any HTTP answer counts)`,
      ],
    };
  } catch (error) {
    return {
      name: 'endpoint',
      status: 'missing',
      lines: [
        `${endpoint} NOT reachable: ${describeConnectFailure(error, endpoint, ENDPOINT_TIMEOUT_MS)}`,
      ],
    };
  }
}

/** Which browser `bots browse` would use, and why; the browser image's state when it is Docker. */
async function browserCheck(
  env: Env,
  imagePresent: (tag: string) => Promise<boolean | undefined>,
): Promise<Check> {
  const chromium = chromiumPath(env);
  try {
    const choice = await chooseBrowserRunner(undefined, env);
    if (choice.runner === 'local') {
      return { name: 'browser', status: 'ok', lines: [`local: ${choice.reason}`] };
    }
    const tag = browserImageTag();
    const present = await imagePresent(tag);
    return {
      name: 'browser',
      status: 'ok',
      lines: [
        `docker: the browser image ${tag} ${present ? 'is built' : present === false ? 'is not built yet (bots browse --build-image, or it is built on first use)' : 'may or may not be built (the engine did not say)'}`,
        existsSync(chromium)
          ? `(--sandbox local would use this host's Chromium at ${chromium})`
          : `(--sandbox local needs Chromium: none at ${chromium})`,
      ],
    };
  } catch (error) {
    return { name: 'browser', status: 'warn', lines: [`none: ${message(error)}`] };
  }
}

const spec = {
  name: 'doctor',
  summary: 'check the set-up: auth method and token, model endpoint, Docker, bubblewrap, browser',
  description:
    "Checks, without running a bot: the auth method and the credential it selects (for azure_ad the DefaultAzureCredential chain, each with what it finds, and when no token comes, what each credential said), a token for the model's scope (audience and expiry, never the token), the model and its endpoint, the Docker engine and the sandbox image, bubblewrap, and which sandbox and browser the bots would use.",
  arguments: [],
  options: {
    model: {
      ...MODEL_OPTION,
      description: `the model to check: ${orList(modelForms())}`,
    },
    json: flag('print the checks as JSON on stdout'),
    fix: flag(
      'also remove what sandboxes of runs that ended without cleaning up (kill -9, a crash) left: containers, volumes, temporary folders, cgroups; never what a running process owns',
    ),
    help: HELP_OPTION,
  },
  examples: [
    'AZURE_AUTH_METHOD=azure_ad AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com bots doctor --model azure-openai/gpt-4o',
    'bots doctor --fix',
  ],
} as const satisfies CommandSpec;

/** `bots doctor [--model <provider/name>] [--json]`. */
export const doctor: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const { values } = parsed;
    const { env } = context;
    const checks: Check[] = [];

    // Auth method and credential.
    const method = resolveAuthMethod(env); // ConfigurationError for an unknown value: exit 2
    let modelString: string | undefined;
    try {
      modelString = chooseModel(values.model, env);
    } catch {
      modelString = undefined;
    }
    let provider: string | undefined;
    let modelError: unknown;
    try {
      if (modelString) provider = parseModel(modelString).provider;
    } catch (error) {
      modelError = error;
    }
    let credential: TokenCredential | undefined;
    let chain: ChainLink[] | undefined;
    if (method === 'api_key') {
      checks.push({
        name: 'auth',
        status: 'ok',
        lines: [
          `AZURE_AUTH_METHOD ${env.AZURE_AUTH_METHOD ? '= api_key' : 'unset'}: API keys are used (set AZURE_AUTH_METHOD=azure_ad for Entra ID tokens)`,
        ],
      });
    } else {
      try {
        credential = await credentialForMethod(method, env);
        chain =
          method === 'azure_ad'
            ? chainOf(credential, Object.keys(await loadIdentity()))
            : undefined;
        checks.push({
          name: 'auth',
          status: 'ok',
          lines: [
            `AZURE_AUTH_METHOD=${method}: ${CREDENTIAL_CLASS[method]}`,
            ...credentialSources(method, env, chain),
          ],
        });
      } catch (error) {
        checks.push({
          name: 'auth',
          status: error instanceof ConfigurationError ? 'error' : 'missing',
          lines: [
            `AZURE_AUTH_METHOD=${method}: ${CREDENTIAL_CLASS[method]} could not be created: ${message(error)}`,
          ],
        });
      }
    }

    // The token, when a token method applies.
    if (credential && (provider === undefined || takesTokens(providerNamed(provider)))) {
      let scope: string | undefined;
      try {
        scope = resolveScope({ env, ...(provider !== undefined ? { provider } : {}) });
      } catch (error) {
        checks.push({ name: 'token', status: 'error', lines: [message(error)] });
      }
      if (scope)
        checks.push(
          await tokenCheck(credential, method as Exclude<AuthMethod, 'api_key'>, scope, chain),
        );
    }

    // The model and its endpoint.
    let model: ChatModel | undefined;
    if (!modelString) {
      checks.push({
        name: 'model',
        status: 'missing',
        lines: [
          'no model chosen: pass --model <provider/name>, or set BOTS_MODEL or OPEN_AI_DEPLOYMENT_NAME (or AZURE_OPENAI_DEPLOYMENT_NAME; bots demo needs none)',
        ],
      });
    } else if (modelError) {
      checks.push({ name: 'model', status: 'error', lines: [message(modelError)] });
    } else {
      try {
        const resolved = await resolveModel(modelString, env, {
          requestTimeoutMs: REQUEST_TIMEOUT_OPTION.default,
          onRetry: () => undefined,
        });
        model = resolved.model;
        const { connection } = resolved;
        checks.push({
          name: 'model',
          status: 'ok',
          lines: [
            describeConnection(model, env),
            `client ${connection.client}${connection.wireApi ? `, wire API ${connection.wireApi}` : ''}`,
            connectionLine(connection),
          ],
          connection,
        });
      } catch (error) {
        checks.push({
          name: 'model',
          status: error instanceof ConfigurationError ? 'error' : 'missing',
          lines: [`${modelString}: ${message(error)}`],
        });
      }
    }
    if (model) checks.push(await endpointCheck(model));

    // Sandboxes.
    const docker = await probeDocker(env);
    /** Whether the engine has an image; undefined when there is no engine or it did not say. */
    const imagePresent = async (tag: string) =>
      docker.answers ? dockerHasImage(env, tag).catch(() => undefined) : undefined;
    const image = await imagePresent(SANDBOX_IMAGE);
    checks.push({
      name: 'docker',
      status: docker.answers ? 'ok' : 'warn',
      lines: docker.answers
        ? [
            `engine ${docker.version ?? ''} answers at ${docker.endpoint.label}`.replace('  ', ' '),
            image
              ? `sandbox image ${SANDBOX_IMAGE} present`
              : `sandbox image ${SANDBOX_IMAGE} ${image === false ? 'not built yet (built on first use, a few minutes)' : 'unknown'}`,
          ]
        : [`${docker.reason}`],
    });
    // Before the bubblewrap probe: its sandbox's first start would sweep the same leftovers.
    if (values.fix) {
      checks.push({
        name: 'cleanup',
        status: 'ok',
        lines: leftoverLines(await removeLeftovers(docker.answers)),
      });
    }
    const bwrap = await probeBwrap(true);
    checks.push({
      name: 'bwrap',
      status: bwrap.works ? 'ok' : 'warn',
      lines: bwrap.works
        ? [`${bwrap.description} works`, ...(bwrap.notes ?? []).map((note) => `note: ${note}`)]
        : [
            bwrap.installed
              ? `${bwrap.description}: does NOT work here: ${bwrap.reason}`
              : `not installed: ${BWRAP_INSTALL_HINT}`,
          ],
    });
    checks.push(
      docker.answers
        ? {
            name: 'sandbox',
            status: 'ok',
            lines: [
              `docker (the default when an engine answers${bwrap.works ? '; bubblewrap if the sandbox image cannot be built' : ''})`,
            ],
          }
        : bwrap.works
          ? { name: 'sandbox', status: 'ok', lines: ['bubblewrap (no Docker engine answers)'] }
          : {
              name: 'sandbox',
              status: 'missing',
              lines: [
                `none: ${BWRAP_INSTALL_HINT}, ${DOCKER_INSTALL_HINT} (bots demo still runs, unsandboxed)`,
              ],
            },
    );

    // The browser of `bots browse` (optional).
    checks.push(await browserCheck(env, imagePresent));

    const code = checks.some((check) => check.status === 'error')
      ? EXIT.usage
      : checks.some((check) => check.status === 'missing')
        ? EXIT.failed
        : EXIT.success;
    const verdict =
      code === EXIT.success
        ? 'usable'
        : code === EXIT.failed
          ? 'something needed is missing'
          : 'configuration error';

    if (values.json) {
      context.stdout(jsonOutput({ status: verdict, exitCode: code, checks }));
      return code;
    }
    const s = style(true); // the stdout writer drops the colours when stdout has none
    const mark = {
      ok: s.green('ok'),
      warn: s.yellow('--'),
      missing: s.red('!!'),
      error: s.red('!!'),
    };
    for (const check of checks) {
      const [first, ...rest] = check.lines;
      context.stdout(`${mark[check.status]} ${check.name.padEnd(9)}${first ?? ''}\n`);
      for (const line of rest) context.stdout(`   ${' '.repeat(9)}${line}\n`);
    }
    context.stdout(`\n${code === EXIT.success ? s.green(verdict) : s.red(verdict)}\n`);
    return code;
  },
};
