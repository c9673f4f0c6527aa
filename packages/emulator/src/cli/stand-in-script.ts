import type { CliTool } from './cli-outcome.js';

/** Where a stand-in asks for its answer. */
export interface StandInTarget {
  /** The emulator's `/cli/token` URL (loopback http). */
  endpoint: string;
  /** The `X-IDENTITY-HEADER` value. */
  identityHeader: string;
  /** The Node executable for the `#!` line (absolute). */
  nodePath: string;
}

/**
 * The text of an executable `az` or `azd`: a `#!` line with the absolute Node path, then a script
 * that sends its command line to the emulator and prints the answer. It runs as CommonJS or as an
 * ES module alike (only dynamic `import()`, no top-level `await`), so the folder's `package.json`
 * does not matter, and it needs no environment variable.
 */
export function standInScript(tool: CliTool, target: StandInTarget): string {
  if (/\s/.test(target.nodePath) || !target.nodePath.startsWith('/')) {
    throw new Error(
      `The CLI stand-ins need an absolute Node path without spaces for their #! line, got ${JSON.stringify(target.nodePath)}. Run Node from such a path.`,
    );
  }
  const settings = JSON.stringify({ tool, ...target, nodePath: undefined });
  return `#!${target.nodePath}
// A stand-in for \`${tool}\` written by @bots/emulator: it asks the emulator for the answer.
(async () => {
  const { request } = await import('node:http');
  const settings = ${settings};
  const body = JSON.stringify({ tool: settings.tool, arguments: process.argv.slice(2) });
  const fail = (message) => {
    process.stderr.write('ERROR: ' + message + '\\n');
    process.exitCode = 1;
  };
  const call = request(
    settings.endpoint,
    {
      method: 'POST',
      timeout: 30000,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-identity-header': settings.identityHeader,
      },
    },
    (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let outcome;
        try {
          outcome = JSON.parse(text);
        } catch {
          outcome = undefined;
        }
        if (!outcome || typeof outcome.exitCode !== 'number') {
          const detail = outcome && typeof outcome.message === 'string' ? outcome.message : text;
          return fail('the @bots/emulator answered ' + response.statusCode + ': ' + detail);
        }
        process.stdout.write(outcome.stdout);
        process.stderr.write(outcome.stderr);
        process.exitCode = outcome.exitCode;
      });
    },
  );
  call.on('timeout', () => call.destroy(new Error('no answer within 30 s')));
  call.on('error', (error) =>
    fail(
      'the @bots/emulator at ' + settings.endpoint + ' did not answer (' + (error.code || error.message) +
        '). Is it still running? This stand-in works only while the emulator that wrote it runs.',
    ),
  );
  call.end(body);
})();
`;
}
