/** What a CLI stand-in prints and how it exits: the emulator decides, the stand-in only relays. */
export interface CliOutcome {
  /** The process exit code. */
  exitCode: number;
  /** Text for standard output (a token in it: never log it). */
  stdout: string;
  /** Text for standard error. */
  stderr: string;
}

/** The two tools the emulator stands in for. */
export type CliTool = 'az' | 'azd';

/** The request-log `source` of each tool's token requests. */
export const CLI_SOURCE = {
  az: 'azure-cli',
  azd: 'azure-developer-cli',
} as const satisfies Record<CliTool, string>;

/** A token request a tool's command line parsed to. */
export interface CliTokenRequest {
  /** The command, e.g. `az account get-access-token`. */
  command: string;
  /** The audience to issue for (a resource or the first scope). */
  audience: string;
  /** `--tenant` (az) or `--tenant-id` (azd). */
  tenant?: string;
  /** `--subscription` (az). */
  subscription?: string;
  /** Every `--scope` (azd, or az's `--scope`). */
  scopes?: string[];
  /** `--claims` (azd), decoded from base64. */
  claims?: string;
}

/** The result of parsing a tool's command line: a token request, or what to print instead. */
export type CliParse = { ok: true; request: CliTokenRequest } | { ok: false; outcome: CliOutcome };

/** A usage error outcome. */
export function usageError(stderr: string, exitCode: number): CliParse {
  return { ok: false, outcome: { exitCode, stdout: '', stderr } };
}
