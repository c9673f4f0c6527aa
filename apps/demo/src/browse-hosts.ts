import { ConfigurationError } from '@bots/auth';
import { parseHostRule } from '@bots/browser-tool';

// The hosts `bots browse` lets the browser reach: those of the task's URLs and of --allow-host.

/** One entry of the browser's host rule: `example.com`, `*.example.com`, `host:port`, `*`. */
export function hostEntry(raw: string, flagName: string): string {
  const host = raw.trim();
  try {
    parseHostRule([host], flagName);
  } catch (error) {
    throw new ConfigurationError(
      `${flagName} takes a host name such as example.com, host:port (127.0.0.1:8080 for one service of this machine) or * (any public host), but got ${JSON.stringify(raw)}: ${(error as Error).message}`,
    );
  }
  return host;
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
