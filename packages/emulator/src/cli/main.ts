#!/usr/bin/env node
// The `bots-emulator` executable (`npx @bots/emulator`): everything is in run-bin.ts.
import { runBin } from './run-bin.js';

runBin(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bots-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
