import { ConfigurationError } from '@bots/auth';

/** Bad command-line input: printed with a pointer to the usage, exit code 2. */
export class UsageError extends ConfigurationError {}

export const USAGE = `bots: keyless LLM bots on Azure

Usage:
  bots run "<task>" --model <provider/name> [--mount <dir>]... [--writable] [--boss]
  bots read <dir> "<question>"      answer questions about a folder (mounted read-only)
  bots write <dir> "<task>"         change files in a folder (mounted read-write)
  bots logs <file> ["<question>"]   find why a run failed, from one log file (read-only)
  bots browse ["<task>"] [--model azure-openai/<deployment>] [--allow-host <host>]...
                                    a browser agent does the task (Chromium in the browser
                                    image, or this host's); without --model: offline, on a
                                    sample site, with scripted replies
  bots browse --build-image         build the browser image (else built on first use)
  bots doctor [--model <provider/name>] [--json]
                                    auth method, token audience and expiry, endpoint,
                                    Docker and bubblewrap
  bots demo [--sandbox docker|local] [--json]
                                    offline demo: local emulator, managed identity,
                                    scripted model replies

Options of run, read, write and logs:
  -m, --model <provider/name>   azure-openai/<deployment>, anthropic/<deployment>,
                                openai/<model>, ollama-local/<model>
  --sandbox docker|local        force a sandbox (default: Docker when an engine answers,
                                else bubblewrap)
  --max-iterations <N>          most model calls (default 20)
  --timeout <seconds>           time limit of the whole run
  --json                        print the result object as JSON on stdout
  -h, --help                    this text

Options of browse: --model, --sandbox docker|local (the browser image, or this host's
Chromium), --allow-host <host> (what the browser may reach besides the task's own URLs:
example.com, 127.0.0.1:8080 for one service of this machine, * for any public host),
--max-iterations, --timeout, --json.

run, read, write and logs without --model use BOTS_MODEL, else azure-openai/<deployment> from
AZURE_OPENAI_DEPLOYMENT_NAME (or OPEN_AI_DEPLOYMENT_NAME).
Auth: AZURE_AUTH_METHOD=azure_ad for Entra ID tokens (no key), or the provider's API key.

Progress goes to stderr, the answer to stdout. Exit codes: 0 success, 1 task failed
(or timed out, or doctor found something missing), 2 usage or configuration error,
130 interrupted.
`;
