import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  type AuthMethod,
  ConfigurationError,
  credentialForMethod,
  type Env,
  redact,
  registerSecret,
  resolveAuthMethod,
  resolveScope,
} from '@bots/auth';
import { browserImageTag } from '@bots/browser-tool';
import { SANDBOX_IMAGE } from '@bots/core';
import {
  type ChatModel,
  createChatModel,
  type ProviderName,
  parseModel,
  resolveProviderSettings,
  tokenScopeFor,
} from '@bots/providers';
import { parseCommandArgs } from '../arguments.js';
import { type CommandContext, EXIT } from '../command-context.js';
import { dockerHasImage, probeDocker } from '../docker-probe.js';
import { jwtPayload } from '../jwt.js';
import { chooseModel } from '../model-choice.js';
import { describeConnection } from '../model-setup.js';
import { style } from '../progress.js';
import { BWRAP_INSTALL_HINT, DOCKER_INSTALL_HINT, probeBwrap } from '../sandbox-choice.js';
import { USAGE } from '../usage.js';
import { chromiumPath } from './browse.js';

const TOKEN_TIMEOUT_MS = 20_000;
const ENDPOINT_TIMEOUT_MS = 5_000;

/** `ok`: fine; `warn`: worth knowing; `missing`: something needed is not there (exit 1); `error`: configuration error (exit 2). */
type Status = 'ok' | 'warn' | 'missing' | 'error';

interface Check {
  name: string;
  status: Status;
  lines: string[];
}

const CREDENTIAL_CLASS: Record<Exclude<AuthMethod, 'api_key'>, string> = {
  azure_ad: 'DefaultAzureCredential',
  managed_identity: 'ManagedIdentityCredential',
  azure_cli: 'AzureCliCredential',
  azure_developer_cli: 'AzureDeveloperCliCredential',
  environment: 'EnvironmentCredential',
  workload_identity: 'WorkloadIdentityCredential',
};

function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function set(env: Env, name: string): boolean {
  return Boolean(env[name]?.trim());
}

/** What the credential of a method will find, from variables it reads (names; values only when not secret). */
function credentialSources(method: Exclude<AuthMethod, 'api_key'>, env: Env): string[] {
  const lines: string[] = [];
  const clientId = env.AZURE_CLIENT_ID?.trim();
  const environment =
    set(env, 'AZURE_TENANT_ID') &&
    set(env, 'AZURE_CLIENT_ID') &&
    (set(env, 'AZURE_CLIENT_SECRET') || set(env, 'AZURE_CLIENT_CERTIFICATE_PATH'));
  const workload = set(env, 'AZURE_FEDERATED_TOKEN_FILE');
  const managed = set(env, 'IDENTITY_ENDPOINT')
    ? `App Service endpoint IDENTITY_ENDPOINT=${env.IDENTITY_ENDPOINT} (IDENTITY_HEADER ${set(env, 'IDENTITY_HEADER') ? 'set' : 'NOT set'})`
    : set(env, 'MSI_ENDPOINT')
      ? `MSI_ENDPOINT=${env.MSI_ENDPOINT}`
      : 'IMDS (http://169.254.169.254), answers only on an Azure VM or container host';
  const userAssigned = clientId
    ? `, user-assigned AZURE_CLIENT_ID=${clientId}`
    : ', system-assigned';
  if (method === 'azure_ad') {
    if (set(env, 'AZURE_TOKEN_CREDENTIALS')) {
      lines.push(`AZURE_TOKEN_CREDENTIALS=${env.AZURE_TOKEN_CREDENTIALS} narrows the chain`);
    }
    lines.push(
      `chain, first that answers wins: EnvironmentCredential (${environment ? 'configured' : 'not configured'}), WorkloadIdentityCredential (${workload ? 'AZURE_FEDERATED_TOKEN_FILE set' : 'not configured'}), ManagedIdentityCredential (${managed}${userAssigned}), AzureCliCredential (az ${onPath('az') ? 'on PATH' : 'not installed'}), AzureDeveloperCliCredential (azd ${onPath('azd') ? 'on PATH' : 'not installed'})`,
    );
  } else if (method === 'managed_identity') {
    lines.push(`managed identity: ${managed}${userAssigned}`);
  } else if (method === 'environment') {
    lines.push(
      `service principal: AZURE_TENANT_ID ${env.AZURE_TENANT_ID ?? 'NOT set'}, AZURE_CLIENT_ID ${clientId ?? 'NOT set'}, ${set(env, 'AZURE_CLIENT_SECRET') ? 'AZURE_CLIENT_SECRET set' : set(env, 'AZURE_CLIENT_CERTIFICATE_PATH') ? `certificate ${env.AZURE_CLIENT_CERTIFICATE_PATH}` : 'NO secret or certificate set'}`,
    );
  } else if (method === 'workload_identity') {
    lines.push(
      `workload identity: AZURE_FEDERATED_TOKEN_FILE ${env.AZURE_FEDERATED_TOKEN_FILE ?? 'NOT set'}, AZURE_CLIENT_ID ${clientId ?? 'NOT set'}, AZURE_TENANT_ID ${env.AZURE_TENANT_ID ?? 'NOT set'}`,
    );
  } else if (method === 'azure_cli') {
    lines.push(`az ${onPath('az') ? 'on PATH (az login)' : 'NOT installed'}`);
  } else if (method === 'azure_developer_cli') {
    lines.push(`azd ${onPath('azd') ? 'on PATH (azd auth login)' : 'NOT installed'}`);
  }
  return lines;
}

function message(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function minutesLeft(expiresAt: number): string {
  const minutes = Math.round((expiresAt - Date.now()) / 60_000);
  return minutes >= 0 ? `${minutes} min left` : `expired ${-minutes} min ago`;
}

async function tokenCheck(
  method: Exclude<AuthMethod, 'api_key'>,
  scope: string,
  env: Env,
): Promise<Check> {
  const started = Date.now();
  try {
    const credential = await credentialForMethod(method, env);
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
    const payload = jwtPayload(token.token) ?? {};
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
    return {
      name: 'token',
      status,
      lines: [`no token for scope ${scope} after ${Date.now() - started} ms: ${message(error)}`],
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
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${ENDPOINT_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? message(error));
    return { name: 'endpoint', status: 'missing', lines: [`${endpoint} NOT reachable: ${why}`] };
  }
}

/** `bots doctor [--model <provider/name>] [--json]`. */
export async function doctor(context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('doctor', context.args, {
    model: { type: 'string', short: 'm' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    context.stdout(USAGE);
    return EXIT.success;
  }
  if (positionals.length > 0) {
    throw new ConfigurationError(`doctor: unexpected argument ${JSON.stringify(positionals[0])}.`);
  }
  const { env } = context;
  const checks: Check[] = [];

  // Auth method and credential.
  const method = resolveAuthMethod(env); // ConfigurationError for an unknown value: exit 2
  let modelString: string | undefined;
  try {
    modelString = chooseModel(values.model as string | undefined, env);
  } catch {
    modelString = undefined;
  }
  let provider: ProviderName | undefined;
  let modelError: unknown;
  try {
    if (modelString) provider = parseModel(modelString).provider;
  } catch (error) {
    modelError = error;
  }
  if (method === 'api_key') {
    checks.push({
      name: 'auth',
      status: 'ok',
      lines: [
        `AZURE_AUTH_METHOD ${env.AZURE_AUTH_METHOD ? '= api_key' : 'unset'}: API keys are used (set AZURE_AUTH_METHOD=azure_ad for Entra ID tokens)`,
      ],
    });
  } else {
    checks.push({
      name: 'auth',
      status: 'ok',
      lines: [
        `AZURE_AUTH_METHOD=${method}: ${CREDENTIAL_CLASS[method]}`,
        ...credentialSources(method, env),
      ],
    });
  }

  // The token, when a token method applies.
  if (method !== 'api_key' && provider !== 'openai' && provider !== 'ollama-local') {
    let scope: string | undefined;
    try {
      scope =
        provider !== undefined
          ? (tokenScopeFor(resolveProviderSettings(provider, env), env) ??
            resolveScope({ env, provider }))
          : resolveScope({ env, provider: 'azure-openai' });
    } catch (error) {
      checks.push({ name: 'token', status: 'error', lines: [message(error)] });
    }
    if (scope) checks.push(await tokenCheck(method, scope, env));
  }

  // The model and its endpoint.
  let model: ChatModel | undefined;
  if (!modelString) {
    checks.push({
      name: 'model',
      status: 'missing',
      lines: [
        'no model chosen: pass --model <provider/name>, or set BOTS_MODEL or AZURE_OPENAI_DEPLOYMENT_NAME (bots demo needs none)',
      ],
    });
  } else if (modelError) {
    checks.push({ name: 'model', status: 'error', lines: [message(modelError)] });
  } else {
    try {
      model = await createChatModel(modelString, { env });
      const connection = model.connection;
      checks.push({
        name: 'model',
        status: 'ok',
        lines: [
          describeConnection(model, env),
          ...(connection
            ? [
                `client ${connection.client}${connection.wireApi ? `, wire API ${connection.wireApi}` : ''}`,
              ]
            : []),
        ],
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
      ? { name: 'sandbox', status: 'ok', lines: ['docker (the default when an engine answers)'] }
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

  // The browser of `bots browse`: the browser image, or this host's Chromium. Optional.
  const browserImage = browserImageTag();
  const browserImagePresent = await imagePresent(browserImage);
  const chromium = chromiumPath(env);
  const hasChromium = existsSync(chromium);
  checks.push({
    name: 'browser',
    status: docker.answers || hasChromium ? 'ok' : 'warn',
    lines: [
      docker.answers
        ? `browser image ${browserImage} ${browserImagePresent ? 'present' : browserImagePresent === false ? 'not built yet (bots browse --build-image, or on first use)' : 'unknown'}`
        : 'browser image: no Docker engine',
      hasChromium
        ? `Chromium at ${chromium} (bots browse --sandbox local)`
        : `no Chromium at ${chromium}: apt-get install -y chromium (or CHROMIUM_PATH) for bots browse --sandbox local`,
    ],
  });

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
    context.stdout(`${JSON.stringify({ status: verdict, exitCode: code, checks }, null, 2)}\n`);
    return code;
  }
  const s = style(context.color);
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
}
