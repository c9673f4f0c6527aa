import { ConfigurationError, type Env } from '@bots/auth';
import {
  type BrowserRunner,
  type BrowserTaskOptions,
  type BrowserTaskResult,
  ensureBrowserImage,
  hostsNamedIn,
  runBrowserTask,
} from '@bots/browser-tool';
import {
  type SampleSite,
  sampleSiteScript,
  sampleTask,
  startSampleSite,
} from '@bots/browser-tool/testing';
import { type Emulator, startEmulator } from '@bots/emulator';
import {
  HELP_OPTION,
  JSON_OPTION,
  MAX_ITERATIONS_OPTION,
  MODEL_OPTION,
  REQUEST_TIMEOUT_OPTION,
  TIMEOUT_OPTION,
} from '../bot-options.js';
import { hostEntry, hostsInTask } from '../browse-hosts.js';
import { chooseBrowserRunner, chromiumPath } from '../browser-choice.js';
import { cliResult } from '../cli-wording.js';
import { type CommandContext, EXIT } from '../command-context.js';
import { CommandFailure } from '../command-failure.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { probeDocker } from '../docker-probe.js';
import { oneOf } from '../flag-values.js';
import { firstLine, ImageBuildLog } from '../image-build-log.js';
import { createModel, describeConnection } from '../model-setup.js';
import { watchModel } from '../model-watch.js';
import { useEmulatorIdentity } from '../offline.js';
import { flag, list, value } from '../option-table.js';
import { checkPositionals, parseCommand } from '../parse-command.js';
import { retryLine, stepPrinter, waitingLine } from '../progress.js';
import { report } from '../run-bot.js';
import { DOCKER_INSTALL_HINT } from '../sandbox-choice.js';
import { style } from '../style.js';
import { UsageError } from '../usage.js';
import { requestLogSummary } from './demo.js';

/** The deployment name the offline run asks the emulator for (any name is served). */
const OFFLINE_MODEL = 'azure-openai/gpt-4o-mini';

const spec = {
  name: 'browse',
  summary: 'a browser agent does the task in Chromium (without --model: offline, on a sample site)',
  description:
    "A browser agent does the task in Chromium: in the browser image when a Docker engine answers (built on first use), else with this host's Chromium. The browser reaches only the sites of the URLs in the task and those of --allow-host (loopback by host and port; never private or link-local addresses through a wildcard). Without --model it runs offline: a local emulator plays Entra ID and Azure OpenAI with scripted replies, on a small sample site served on loopback.",
  arguments: [
    {
      name: 'task',
      quoted: true,
      optional: true,
      description:
        'what to do on the web (required with --model; offline, it goes to the sample site)',
    },
  ],
  otherForms: ['bots browse --build-image'],
  options: {
    model: {
      ...MODEL_OPTION,
      description:
        'the model, e.g. azure-openai/<deployment> (called by this process for either runner: the container holds no credential)',
      defaultLabel: 'none: offline, scripted replies on the sample site',
    },
    sandbox: value({
      argument: 'docker|local',
      description: "force a runner: docker (the browser image) or local (this host's Chromium)",
      defaultLabel: "docker when an engine answers, else this host's Chromium",
      parse: oneOf(
        ['docker', 'local'] as BrowserRunner[],
        'Leave it out to use Docker when an engine answers, else the local Chromium.',
      ),
    }),
    'allow-host': list({
      argument: '<host>',
      description:
        "a site the browser may reach besides those of the task's URLs: example.com, 127.0.0.1:8080 (one service of this machine), * (any public host); repeatable",
      parse: hostEntry,
    }),
    'build-image': flag(
      'build the browser image now and print its tag (else it is built on first use)',
    ),
    'max-iterations': MAX_ITERATIONS_OPTION,
    timeout: TIMEOUT_OPTION,
    'request-timeout': REQUEST_TIMEOUT_OPTION,
    json: {
      ...JSON_OPTION,
      description:
        'print the result object (with runner, auth, timings and tokenRefreshes) as JSON on stdout',
    },
    help: HELP_OPTION,
  },
  examples: [
    'bots browse',
    'bots browse \'Find the shelf of the book "Emma".\' --sandbox local',
    'bots browse "What is the newest release on https://github.com/nodejs/node/releases ?" --model azure-openai/gpt-4o --timeout 300',
  ],
} as const satisfies CommandSpec;

/** The image, built when missing, with a short log on stderr. Returns its tag. */
async function prepareBrowserImage(context: CommandContext): Promise<string> {
  const log = new ImageBuildLog(
    context.stderr,
    'bots: building the browser image (first use only, a few minutes)',
  );
  try {
    return await ensureBrowserImage({ signal: context.signal, onProgress: log.line });
  } catch (error) {
    if (context.signal.aborted) throw error;
    const reason = firstLine(error);
    const tail = log.tail(reason);
    if (tail.length > 0)
      context.stderr(
        `  last lines of the build log:\n${tail.map((line) => `  | ${line}\n`).join('')}`,
      );
    throw new CommandFailure(
      `The browser image could not be built: ${reason}. Fix the Docker engine so that the image builds, or use --sandbox local (this host's Chromium).`,
    );
  }
}

/**
 * `bots browse "<task>"`: a browser agent does the task. Without `--model` it runs OFFLINE, like
 * `bots demo`: the emulator plays Entra ID and Azure OpenAI with scripted replies, against a
 * small sample site on loopback. `--build-image` builds the browser image and exits.
 */
export const browse: Command = {
  spec,
  run: browseCommand,
};

async function browseCommand(context: CommandContext): Promise<number> {
  const parsed = parseCommand(spec, context, { positionals: 'own' });
  if (!parsed) return EXIT.success;
  const { values } = parsed;
  const flags = {
    model: values.model,
    runner: values.sandbox,
    allowHosts: values['allow-host'],
    maxSteps: values['max-iterations'],
    timeoutMs: values.timeout,
    requestTimeoutMs: values['request-timeout'],
    timeoutGiven: parsed.given.has('timeout'),
    json: values.json,
    buildImage: values['build-image'],
  };
  const s = style(context.color);

  if (flags.buildImage) {
    if (parsed.positionals.length > 0) {
      throw new UsageError(
        `--build-image takes no task, but got unexpected argument ${JSON.stringify(parsed.positionals[0])}. Usage: bots browse --build-image`,
        'browse',
      );
    }
    const docker = await probeDocker(context.env);
    if (!docker.answers)
      throw new ConfigurationError(
        `--build-image needs a Docker engine: ${docker.reason}. ${DOCKER_INSTALL_HINT}.`,
      );
    const tag = await prepareBrowserImage(context);
    context.stderr(`bots: the browser image is ${tag}\n`);
    context.stdout(`${tag}\n`);
    return EXIT.success;
  }

  const offline = !flags.model;
  const [given] = checkPositionals(spec, parsed.positionals);
  if (!offline && given === undefined) {
    throw new UsageError(
      'missing "<task>": with --model a real model needs a task. Usage: bots browse "<task>" --model azure-openai/<deployment>',
      'browse',
    );
  }
  const outsideHosts = offline && given ? hostsInTask(given) : [];
  if (outsideHosts.length > 0) {
    throw new UsageError(
      `offline (no --model), the scripted replies know only the local sample site, not ${outsideHosts.join(', ')}. Pass --model azure-openai/<deployment> to browse it with a real model, or leave the address out.`,
      'browse',
    );
  }
  const { runner, reason } = await chooseBrowserRunner(flags.runner, context.env);

  let emulator: Emulator | undefined;
  let site: SampleSite | undefined;
  try {
    let task: string;
    let model: string;
    let env: Env;
    if (offline) {
      context.stderr(
        [
          s.bold('bots browse: OFFLINE. The model replies are SCRIPTED: no real model is called.'),
          'A local Azure emulator (@bots/emulator) plays Entra ID (managed identity) and Azure OpenAI,',
          'and a small sample site is served on loopback; the browser really loads and fills its pages.',
          'To use a real model: AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com \\',
          '  AZURE_OPENAI_API_VERSION=2024-10-21 AZURE_AUTH_METHOD=azure_ad \\',
          '  bots browse "<task>" --model azure-openai/<deployment>',
          '',
        ].join('\n'),
      );
      emulator = await startEmulator({ script: sampleSiteScript });
      site = await startSampleSite();
      env = useEmulatorIdentity(emulator);
      model = OFFLINE_MODEL;
      // The scripted model knows the sample site only: a task without an address is sent there.
      task = !given
        ? sampleTask(site.url)
        : /https?:\/\//.test(given)
          ? given
          : `${given} On the site ${site.url}.`;
      context.stderr(
        `bots: emulator at ${emulator.urls.base}; AZURE_AUTH_METHOD=azure_ad, managed identity at IDENTITY_ENDPOINT=${emulator.urls.identity}\n` +
          `bots: sample site at ${site.url}\n`,
      );
    } else {
      model = flags.model as string;
      env = context.env;
      task = given as string;
    }
    // The model is made here, on the host, for either runner (the container holds no credential):
    // a missing credential is a configuration error before a browser starts, in the CLI's words.
    const built = await createModel(model, env, {
      requestTimeoutMs: flags.requestTimeoutMs,
      onRetry: (retry) => context.stderr(retryLine(retry, context.color)),
    });
    const chatModel = watchModel(built, (line) => context.stderr(waitingLine(line, context.color)));
    // The sites the user typed in the task (loopback ones with their port), and --allow-host.
    const allowHosts = [...new Set([...flags.allowHosts, ...hostsNamedIn(task)])];

    context.stderr(`bots: browser: ${reason}\n`);
    context.stderr(`bots: model: ${describeConnection(built, env)}\n`);
    if (allowHosts.length > 0)
      context.stderr(`bots: the browser may reach: ${allowHosts.join(', ')} (nothing else)\n`);
    else context.stderr('bots: the browser may reach nothing (--allow-host adds hosts)\n');
    let image: string | undefined;
    if (runner === 'docker') image = await prepareBrowserImage(context);
    context.signal.throwIfAborted();
    context.stderr(`bots: task: ${task}\n`);

    const options: BrowserTaskOptions = {
      model: chatModel,
      env,
      runner,
      allowHosts,
      signal: context.signal,
      onStep: stepPrinter(context.stderr, context.color),
      onProgress: (line) => context.stderr(`  ${s.dim(line)}\n`),
      ...(image ? { image } : {}),
      ...(runner === 'local' ? { executablePath: chromiumPath(context.env) } : {}),
      ...(flags.maxSteps !== undefined ? { maxSteps: flags.maxSteps } : {}),
      timeoutMs: flags.timeoutMs,
    };
    const result: BrowserTaskResult = await runBrowserTask(task, options);
    if (result.timings.firstPageMs !== undefined) {
      const refreshes =
        runner === 'docker' && result.auth === 'token'
          ? `; ${result.tokenRefreshes} fresh token${result.tokenRefreshes === 1 ? '' : 's'} used (the container holds none)`
          : '';
      context.stderr(
        `bots: first page loaded ${result.timings.firstPageMs} ms after the start${refreshes}\n`,
      );
    }
    if (emulator) context.stderr(requestLogSummary(emulator));
    const limits = {
      timeoutMs: flags.timeoutMs,
      timeoutGiven: flags.timeoutGiven,
      model,
      inFlight: runner === 'docker' ? 'the browser container' : 'the browser',
    };
    return report(context, cliResult(result, limits), flags.json);
  } finally {
    await site?.close();
    await emulator?.close();
  }
}
