/**
 * `netmortem agent`: the node agent (lib/agent). Runs in the network namespace it is started in (the node's, with
 * hostNetwork) and never changes the node.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Agent, defaultNodeName } from "../../lib/agent/agent";
import { defaultKeyFile, loadOrCreateKey, parseDuration } from "../../lib/agent/key";
import { Redactor } from "../../lib/analysis/redact/redactor";
import { NodeName } from "../../lib/schemas/ingest";
import { parseArgs, UsageError } from "../args";

export const summary = "the node agent: snapshots and captures to a netmortem server, spooled when it is away";

const HELP = `Usage: netmortem agent --server URL (--token TOKEN | --token-file FILE | NETMORTEM_TOKEN=…) [options]

Collects, every interval, from the network namespace it runs in (the node's with hostNetwork): sysctls,
/proc/net counters, ss, ip link/addr/route/rule/neigh, conntrack, NAT rules, uname -r and kernel log lines about
networking; sends them to the server's ingest API (gzip'd, with an Idempotency-Key). Missing tools are skipped
and said so. When the server cannot be reached it spools to a bounded directory and sends later, oldest first.
It never writes a sysctl or changes the node. SIGTERM finishes the current send and exits.

  --server URL            the netmortem server (e.g. https://netmortem.example.org)
  --token TOKEN           a cluster ingest token (prefer --token-file or NETMORTEM_TOKEN: arguments show in ps)
  --token-file FILE       read the token from FILE (a mounted Secret)
  --node NAME             the node's name (default: $NODE_NAME, else the host name: ${defaultNodeName()})
  --interval DURATION     between snapshots (default 60s)
  --once                  one snapshot (and capture), then exit (exit 1 if something stayed in the spool)
  --spool-only            collect into the spool and never contact the server (carry the spool, then --flush)
  --flush                 collect nothing: send what the spool holds, oldest first, and exit
  --spool DIR             where unsent bodies wait (default /var/lib/netmortem/spool, else $TMPDIR/netmortem-spool)
  --capture IFACE         also capture on IFACE each tick (tcpdump), summarised here
  --capture-seconds N     capture length (default 30)
  --capture-filter BPF    tcpdump filter, e.g. 'tcp port 443'
  --capture-packets N     stop a capture after N packets (default 1000000)
  --capture-bytes N       stop a capture after N bytes of pcap (default 268435456)
  --send-raw              also send the raw pcap (redacted with --redact)
  --poll DURATION         ask the server for capture requests this often (default 15s; 0: never)
  --redact                pseudonymise addresses, MACs and host names before sending (Crypto-PAn)
  --redact-key FILE       the redaction key (default ${defaultKeyFile()}; made when missing)
  --incident ID           also attach the evidence to this incident

Exit status: 0 done; 1 something stayed in the spool or the server refused a body; 2 a usage error;
3 the server refused the token (401/403) or the incident (404: not in the token's cluster).
`;

export async function run(args: string[]): Promise<number> {
  let o;
  try {
    o = parseArgs(args, {
      server: "value", token: "value", "token-file": "value", node: "value", interval: "value", once: "flag", spool: "value",
      capture: "value", "capture-seconds": "value", "capture-filter": "value", "capture-packets": "value", "capture-bytes": "value",
      "send-raw": "flag", poll: "value", "spool-only": "flag", flush: "flag", redact: "flag", "redact-key": "value", incident: "value", help: "flag", h: "flag",
      "backoff": "value", "max-backoff": "value",
    }).opts;
    if (o.help || o.h) {
      process.stdout.write(HELP);
      return 0;
    }
    const server = o.server as string | undefined;
    if (!server) throw new UsageError("--server is required");
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new UsageError(`--server: '${server}' is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError("--server must be an http:// or https:// URL");
    let token = (o.token as string | undefined) ?? process.env.NETMORTEM_TOKEN;
    if (o["token-file"]) token = (await readFile(o["token-file"] as string, "utf8")).trim();
    if (!token && !o["spool-only"]) throw new UsageError("a token is required: --token, --token-file or NETMORTEM_TOKEN");
    const node = (o.node as string | undefined) ?? defaultNodeName();
    if (!NodeName.safeParse(node).success) throw new UsageError(`--node: '${node}' is not a node name (letters, digits, '.', '-', '_')`);
    const intervalMs = parseDuration((o.interval as string | undefined) ?? "60s", "--interval");
    if (intervalMs < 1000) throw new UsageError("--interval must be at least 1s");
    const spoolDir = (o.spool as string | undefined) ?? (existsSync("/var/lib/netmortem") ? "/var/lib/netmortem/spool" : path.join(tmpdir(), "netmortem-spool"));
    const capture = o.capture
      ? {
          iface: o.capture as string,
          seconds: parseDuration((o["capture-seconds"] as string | undefined) ?? "30", "--capture-seconds") / 1000,
          filter: o["capture-filter"] as string | undefined,
          maxPackets: o["capture-packets"] ? Number(o["capture-packets"]) : undefined,
          maxBytes: o["capture-bytes"] ? Number(o["capture-bytes"]) : undefined,
          sendRaw: o["send-raw"] === true,
        }
      : undefined;
    if (capture && (!(capture.seconds > 0) || capture.seconds > 3600)) throw new UsageError("--capture-seconds must be between 1 and 3600");
    if (o["send-raw"] && !capture) throw new UsageError("--send-raw goes with --capture");
    if (o["spool-only"] && o.flush) throw new UsageError("--spool-only and --flush exclude each other");
    const log = (l: string) => process.stderr.write(`${new Date().toISOString()} ${l}\n`);
    const redactor = o.redact ? new Redactor(await loadOrCreateKey((o["redact-key"] as string | undefined) ?? defaultKeyFile(), log), { hostNames: [node] }) : undefined;
    const agent = new Agent({
      server,
      token: token ?? "",
      node,
      intervalMs,
      once: o.once === true,
      spoolDir,
      spoolOnly: o["spool-only"] === true,
      flushOnly: o.flush === true,
      capture,
      pollMs: o.poll !== undefined ? parseDuration(o.poll as string, "--poll") : undefined,
      redactor,
      incidentId: o.incident as string | undefined,
      senderOptions: {
        backoffMs: o.backoff ? parseDuration(o.backoff as string, "--backoff") : undefined,
        maxBackoffMs: o["max-backoff"] ? parseDuration(o["max-backoff"] as string, "--max-backoff") : undefined,
      },
      log,
    });
    const onTerm = () => agent.stop();
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onTerm);
    log(`netmortem agent: node ${node}, server ${url.origin}, every ${intervalMs / 1000} s${o.once ? " (once)" : ""}, spool ${spoolDir}${redactor ? ", redacting" : ""}`);
    try {
      return await agent.run();
    } finally {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onTerm);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && /is not a duration/.test(err.message))) {
      process.stderr.write(`netmortem agent: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
}
