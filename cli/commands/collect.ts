/**
 * `netmortem collect -o bundle.tar.gz`: the agent's collection written as a bundle, for nodes without a way to the
 * server. The same bundle comes from collect.sh (served at GET /collect.sh) where Node is not installed.
 */
import { writeFile } from "node:fs/promises";
import { defaultNodeName } from "../../lib/agent/agent";
import { collectBundle } from "../../lib/agent/bundle";
import { defaultKeyFile, loadOrCreateKey, parseDuration } from "../../lib/agent/key";
import { tarGz } from "../../lib/agent/tar";
import { NodeName } from "../../lib/schemas/ingest";
import { parseArgs, UsageError } from "../args";

export const summary = "collect this host's network evidence into a bundle (.tar.gz) for air-gapped nodes";

const HELP = `Usage: netmortem collect -o bundle.tar.gz [options]

Collects what the agent collects (sysctls, /proc/net counters read twice, ss, ip, conntrack, NAT rules, uname -r,
kernel log lines about networking) from the network namespace it runs in, into a bundle with one folder per
host, which 'netmortem analyze' and the server read like any other. Read-only: it changes nothing on the host.

  -o, --output FILE       the bundle to write (.tar.gz)
  --host NAME             the host folder's name (default: $NODE_NAME, else the host name: ${defaultNodeName()})
  --interval DURATION     between the two counter readings (default 10s; 0: one reading)
  --capture IFACE         capture on IFACE between the two readings (tcpdump), kept as a pcap in the bundle
  --capture-seconds N     capture length (default 30)
  --capture-filter BPF    tcpdump filter
  --redact                pseudonymise addresses, MACs and host names (Crypto-PAn; see 'netmortem redact')
  --redact-key FILE       the redaction key (default ${defaultKeyFile()}; made when missing)
`;

export async function run(args: string[]): Promise<number> {
  try {
    const { opts: o, positionals } = parseArgs(args, {
      o: "value", output: "value", host: "value", interval: "value", capture: "value", "capture-seconds": "value",
      "capture-filter": "value", redact: "flag", "redact-key": "value", help: "flag", h: "flag",
    });
    if (o.help || o.h) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const out = (o.o ?? o.output) as string | undefined;
    if (!out) throw new UsageError("-o bundle.tar.gz is required");
    const host = (o.host as string | undefined) ?? defaultNodeName();
    if (!NodeName.safeParse(host).success) throw new UsageError(`--host: '${host}' is not a host name`);
    const intervalMs = parseDuration((o.interval as string | undefined) ?? "10s", "--interval");
    const capture = o.capture
      ? { iface: o.capture as string, seconds: parseDuration((o["capture-seconds"] as string | undefined) ?? "30", "--capture-seconds") / 1000, filter: o["capture-filter"] as string | undefined }
      : undefined;
    const log = (l: string) => process.stderr.write(`netmortem collect: ${l}\n`);
    const redactKey = o.redact ? await loadOrCreateKey((o["redact-key"] as string | undefined) ?? defaultKeyFile(), log) : undefined;
    const { files, dropped } = await collectBundle({ host, intervalMs, capture, redactKey, log });
    for (const d of dropped) log(`left out of the redacted bundle: ${d.path}: ${d.reason}`);
    await writeFile(out, tarGz(files), { mode: 0o600 });
    log(`wrote ${out} (${files.length} files${redactKey ? ", redacted" : ""})`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && /is not a duration/.test(err.message))) {
      process.stderr.write(`netmortem collect: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
}
