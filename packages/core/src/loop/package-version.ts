import manifest from '../../package.json' with { type: 'json' };

/** The version of `@bots/core` (its tracer's version), read from package.json when built. */
export const PACKAGE_VERSION: string = manifest.version;
