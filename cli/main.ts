/**
 * `netmortem` command dispatcher. Each subcommand lives in its own file and exports `run(args): Promise<number>`
 * (the exit code). Their one-line summaries are here, not read from the command files, so `netmortem --help` loads
 * no command (and no engine): the built command (dist/cli, scripts/build/cli.mjs) splits each into its own chunk.
 */
import { installTerminalEscaping } from "./escape";
type Command = { run: (args: string[]) => Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  evidence: { summary: "what was recognised in a bundle, per host: facts, deltas", load: () => import("./commands/evidence") },
  capture: { summary: "summarise a pcap/pcapng capture: flows, handshakes, retransmissions, MTU problems", load: () => import("./commands/capture") },
  analyze: { summary: "diagnose an evidence bundle: ranked root causes with cited evidence, fixes and risks", load: () => import("./commands/analyze") },
  agent: { summary: "the node agent: snapshots and captures to a netmortem server, spooled when it is away", load: () => import("./commands/agent") },
  collect: { summary: "collect this host's network evidence into a bundle (.tar.gz) for air-gapped nodes", load: () => import("./commands/collect") },
  redact: { summary: "pseudonymise a bundle's addresses, MACs and host names (prefix-preserving, keyed)", load: () => import("./commands/redact") },
};

const usage = () => `netmortem: evidence in, ranked and cited diagnosis out.

Usage: netmortem <command> [options]

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join("\n")}

Run 'netmortem <command> --help' for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  // file names and contents reach the terminal escaped, whatever the command (cli/escape.ts)
  installTerminalEscaping();
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return 0;
  }
  const c = commands[name];
  if (!c) {
    process.stderr.write(`netmortem: unknown command '${name}'. Run 'netmortem --help'.\n`);
    return 2;
  }
  try {
    return await (await c.load()).run(rest);
  } catch (err) {
    process.stderr.write(`netmortem ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
