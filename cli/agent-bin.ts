/**
 * Entry of dist/netmortem-agent.mjs, the agent as one self-contained file for nodes (`node netmortem-agent.mjs
 * --server URL …`): options alone run the agent; a command name first (collect, redact, capture, analyze,
 * evidence, agent) runs that command.
 */
import { main } from "./main";

const argv = process.argv.slice(2);
const commands = ["agent", "collect", "redact", "capture", "analyze", "evidence", "help", "--help", "-h"];
process.exitCode = await main(argv.length === 0 || !commands.includes(argv[0]!) ? ["agent", ...argv] : argv);
