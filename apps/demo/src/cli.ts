const [command] = process.argv.slice(2);
process.stderr.write(
  `bots ${command ?? ''}: not built yet. The agent loop and the CLI land with the core issue; see README.md.\n`,
);
process.exit(2);
