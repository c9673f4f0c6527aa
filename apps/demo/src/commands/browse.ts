import { ConfigurationError, type Env } from '@bots/auth';
import {
  type BrowserRunner,
  type BrowserTaskOptions,
  type BrowserTaskResult,
  chooseBrowserRunner,
  ensureBrowserImage,
  hostsNamedIn,
  parseHostRule,
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
  BOT_OPTIONS,
  type ParsedArgs,
  parseCommandArgs,
  positionals,
  positiveInteger,
  timeoutMs,
} from '../arguments.js';
import { type CommandContext, EXIT } from '../command-context.js';
import { probeDocker } from '../docker-probe.js';
import { useEmulatorIdentity } from '../offline.js';
import { stepPrinter, style } from '../progress.js';
import { report } from '../run-bot.js';
import { DOCKER_INSTALL_HINT } from '../sandbox-choice.js';
import { USAGE, UsageError } from '../usage.js';
import { requestLogSummary } from './demo.js';

/** The deployment name the offline run asks the emulator for (any name is served). */
const OFFLINE_MODEL = 'azure-openai/gpt-4o-mini';

const BROWSE_OPTIONS = {
  ...BOT_OPTIONS,
  'allow-host': { type: 'string', multiple: true },
  'build-image': { type: 'boolean', default: false },
} as const;

/** The checked options of `bots browse`. */
interface BrowseFlags {
  model: string | undefined;
  runner: BrowserRunner | undefined;
  allowHosts: string[];
  maxSteps: number | undefined;
  timeoutMs: number | undefined;
  json: boolean;
  buildImage: boolean;
}

function parseBrowseArgs(values: ParsedArgs['values']): BrowseFlags {
  const sandbox = values.sandbox as string | undefined;
  if (sandbox !== undefined && sandbox !== 'docker' && sandbox !== 'local') {
    throw new UsageError(
      `--sandbox must be docker (the browser image) or local (this host's Chromium), but got ${JSON.stringify(sandbox)}. Leave it out to use Docker when an engine answers, else the local Chromium.`,
    );
  }
  const allowHosts = ((values['allow-host'] as string[] | undefined) ?? []).map((host) =>
    host.trim(),
  );
  for (const host of allowHosts) {
    try {
      parseHostRule([host], '--allow-host');
    } catch (error) {
      throw new UsageError(
        `--allow-host takes a host name such as example.com, host:port (127.0.0.1:8080 for one service of this machine) or * (any public host), but got ${JSON.stringify(host)}: ${(error as Error).message}`,
      );
    }
  }
  return {
    model: values.model as string | undefined,
    runner: sandbox as BrowserRunner | undefined,
    allowHosts,
    maxSteps: positiveInteger('max-iterations', values['max-iterations'] as string | undefined),
    timeoutMs: timeoutMs(values.timeout as string | undefined),
    json: values.json === true,
    buildImage: values['build-image'] === true,
  };
}

/** Where Chromium is for the local runner (`CHROMIUM_PATH`, else Debian's). */
export function chromiumPath(env: Env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Docker when an engine answers, else this host's Chromium; `--sandbox` forces one. */
function chooseRunner(
  flag: BrowserRunner | undefined,
  env: Env,
): Promise<{ runner: BrowserRunner; reason: string }> {
  return chooseBrowserRunner({
    env,
    executablePath: chromiumPath(env),
    optionName: '--sandbox',
    ...(flag ? { runner: flag } : {}),
  });
}

/** Host names of the http(s) URLs in a task, which the browser may then resolve. */
export function hostsInTask(task: string): string[] {
  const hosts = new Set<string>();
  for (const match of task.matchAll(/https?:\/\/[^\s"'<>)]+/g)) {
    try {
      const host = new URL(match[0]).hostname;
      if (host && host !== '127.0.0.1' && host !== 'localhost') hosts.add(host);
    } catch {
      // not a URL after all
    }
  }
  return [...hosts];
}

/** The image, built when missing, with progress on stderr. Returns its tag. */
async function prepareBrowserImage(context: CommandContext): Promise<string> {
  return ensureBrowserImage({
    signal: context.signal,
    onProgress: (line) => context.stderr(`  image: ${line}\n`),
  });
}

/**
 * `bots browse "<task>"`: a browser agent does the task. Without `--model` it runs OFFLINE, like
 * `bots demo`: the emulator plays Entra ID and Azure OpenAI with scripted replies, against a
 * small sample site on loopback. `--build-image` builds the browser image and exits.
 */
export async function browse(context: CommandContext): Promise<number> {
  const parsed = parseCommandArgs('browse', context.args, BROWSE_OPTIONS);
  if (parsed.values.help) {
    context.stdout(USAGE);
    return EXIT.success;
  }
  const flags = parseBrowseArgs(parsed.values);
  const s = style(context.color);

  if (flags.buildImage) {
    positionals('browse --build-image', parsed.positionals, []);
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
  const [given] = offline
    ? positionals('browse', parsed.positionals, [], ['task'])
    : positionals('browse', parsed.positionals, ['task']);
  const outsideHosts = offline && given ? hostsInTask(given) : [];
  if (outsideHosts.length > 0) {
    throw new UsageError(
      `browse: offline (no --model), the scripted replies know only the local sample site, not ${outsideHosts.join(', ')}. Pass --model azure-openai/<deployment> to browse it with a real model, or leave the address out.`,
    );
  }
  const { runner, reason } = await chooseRunner(flags.runner, context.env);

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
    // The sites the user typed in the task (loopback ones with their port), and --allow-host.
    const allowHosts = [...new Set([...flags.allowHosts, ...hostsNamedIn(task)])];

    context.stderr(`bots: browser: ${reason}\n`);
    context.stderr(`bots: model: ${model}\n`);
    if (allowHosts.length > 0)
      context.stderr(`bots: the browser may reach: ${allowHosts.join(', ')} (nothing else)\n`);
    else context.stderr('bots: the browser may reach nothing (--allow-host adds hosts)\n');
    let image: string | undefined;
    if (runner === 'docker') image = await prepareBrowserImage(context);
    context.signal.throwIfAborted();
    context.stderr(`bots: task: ${task}\n`);

    const options: BrowserTaskOptions = {
      model,
      env,
      runner,
      allowHosts,
      signal: context.signal,
      onStep: stepPrinter(context.stderr, context.color),
      onProgress: (line) => context.stderr(`  ${s.dim(line)}\n`),
      ...(image ? { image } : {}),
      ...(runner === 'local' ? { executablePath: chromiumPath(context.env) } : {}),
      ...(flags.maxSteps !== undefined ? { maxSteps: flags.maxSteps } : {}),
      ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
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
    return report(context, result, flags.json);
  } finally {
    await site?.close();
    await emulator?.close();
  }
}
