// @bots/copilot: the GitHub Copilot SDK made keyless (see README.md).
export {};
