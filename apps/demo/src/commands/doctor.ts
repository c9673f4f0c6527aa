import { ConfigurationError } from '@bots/auth';
import { SANDBOX_IMAGE } from '@bots/core';
import {
  type ChatModel,
  parseModel,
  providerNamed,
  resolveScope,
  takesTokens,
} from '@bots/providers';
import {
  HELP_OPTION,
  MODEL_FORMS_PHRASE,
  MODEL_OPTION,
  REQUEST_TIMEOUT_OPTION,
} from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { dockerHasImage, probeDocker } from '../docker-probe.js';
import { browserCheck } from '../doctor/browser-check.js';
import { type Check, errorLine } from '../doctor/check.js';
import { authCheck, tokenCheckFor } from '../doctor/credential-check.js';
import { endpointCheck } from '../doctor/endpoint-check.js';
import { jsonOutput } from '../json-output.js';
import { leftoverLines, removeLeftovers } from '../leftovers.js';
import { chooseModel } from '../model-choice.js';
import { connectionLine, describeConnection, resolveModel } from '../model-setup.js';
import { flag } from '../option-table.js';
import { parseCommand } from '../parse-command.js';
import { BWRAP_INSTALL_HINT, DOCKER_INSTALL_HINT, probeBwrap } from '../sandbox-choice.js';
import { style } from '../style.js';

const spec = {
  name: 'doctor',
  summary: 'check the set-up: auth method and token, model endpoint, Docker, bubblewrap, browser',
  description:
    "Checks, without running a bot: the auth method and the credential it selects (for azure_ad the DefaultAzureCredential chain, each with what it finds, and when no token comes, what each credential said), a token for the model's scope (audience and expiry, never the token), the model and its endpoint, the Docker engine and the sandbox image, bubblewrap, and which sandbox and browser the bots would use.",
  arguments: [],
  options: {
    model: {
      ...MODEL_OPTION,
      description: `the model to check: ${MODEL_FORMS_PHRASE}`,
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

    // Auth method (or chain) and credential.
    const auth = await authCheck(env); // ConfigurationError for a bad AZURE_AUTH_METHOD: exit 2
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
    checks.push(auth.check);

    // The token, when a token method applies (for a chain: each step in order until one gives one).
    if (auth.credential && (provider === undefined || takesTokens(providerNamed(provider)))) {
      let scope: string | undefined;
      try {
        scope = resolveScope({ env, ...(provider !== undefined ? { provider } : {}) });
      } catch (error) {
        checks.push({ name: 'token', status: 'error', lines: [errorLine(error)] });
      }
      const token = scope ? await tokenCheckFor(auth, scope) : undefined;
      if (token) checks.push(token);
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
      checks.push({ name: 'model', status: 'error', lines: [errorLine(modelError)] });
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
          lines: [`${modelString}: ${errorLine(error)}`],
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
