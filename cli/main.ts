/**
 * `netmortem` command dispatcher. Each subcommand lives in its own file and exports
 * `run(args): Promise<number>` (the exit code) plus a one-line `summary`.
 */
type Command = { summary: string; run: (args: string[]) => Promise<number> };

const commands: Record<string, () => Promise<Command>> = {
  evidence: () => import("./commands/evidence.ts"),
  capture: () => import("./commands/capture.ts"),
  analyze: () => import("./commands/analyze.ts"),
};

const usage = (summaries: Record<string, string>) => `netmortem: evidence in, ranked and cited diagnosis out.

Usage: netmortem <command> [options]

Commands:
${Object.entries(summaries).map(([name, s]) => `  ${name.padEnd(10)} ${s}`).join("\n")}

Run 'netmortem <command> --help' for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    const summaries: Record<string, string> = {};
    for (const [n, load] of Object.entries(commands)) {
      try {
        summaries[n] = (await load()).summary;
      } catch {
        summaries[n] = "(not available)";
      }
    }
    process.stdout.write(usage(summaries));
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`netmortem: unknown command '${name}'. Run 'netmortem --help'.\n`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    process.stderr.write(`netmortem ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
