/**
 * The same lab run's evidence collected in other styles (issue 15): one concatenated collect file per host
 * (the command of each output as a section header, `hostname` first, as collect scripts write them), and a
 * zip with nested places per host (`<fqdn>/cmd/…`, `<fqdn>/logs/…`, `<fqdn>/captures/…`, readings under
 * `<fqdn>/before/proc/net/netstat` and `after/…`) under other host names. The outputs are the recorded
 * ones, byte for byte; only their arrangement changes. lab.test.ts diagnoses each style and expects the
 * diagnosis of the scenario's own bundle.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** the command that produced each of the lab's files (lib.sh collect_before / collect_bundle, the scenarios) */
export function commandOf(file: string): string | undefined {
  const f = file.replace(/-(before|after)(?=\.)/, "");
  const get = /^ip-route-get-(.+)\.txt$/.exec(f);
  if (get) return `ip route get ${get[1]}`;
  const td = /^tcpdump-(.+)\.txt$/.exec(f);
  if (td) return `tcpdump -nn -r ${td[1]}.pcap`;
  const known: Record<string, string> = {
    "sysctl-a.txt": "sysctl -a", "nstat.txt": "nstat -az", "netstat-s.txt": "netstat -s", "proc-net-netstat.txt": "cat /proc/net/netstat",
    "proc-net-snmp.txt": "cat /proc/net/snmp", "conntrack-S.txt": "conntrack -S", "ss-ltn.txt": "ss -ltn", "ss-tanpie.txt": "ss -tanpie",
    "ss-s.txt": "ss -s", "ip-d-link.txt": "ip -d link", "ip-j-d-link.json": "ip -j -d link", "ip-addr.txt": "ip addr", "ip-route.txt": "ip route",
    "nf_conntrack-stat.txt": "cat /proc/net/stat/nf_conntrack", "nft-list-ruleset.txt": "nft list ruleset", "iptables-save.txt": "iptables-save",
    "uname-r.txt": "uname -r", "curl-timings.txt": "curl -s -o /dev/null -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\\n' (each request)",
    "nginx-access.log": "cat /var/log/nginx/access.log", "nginx-error.log": "cat /var/log/nginx/error.log", "dmesg-martian.txt": "dmesg",
    "conntrack-L.txt": "conntrack -L",
  };
  return known[f];
}

const order = (f: string) => (/-before\./.test(f) ? 0 : /-after\./.test(f) ? 2 : 1);

/** one `<host>.txt` per host: `==== hostname ====` then every text output under its command */
export function writeConcatenated(bundle: string, dest: string): string[] {
  mkdirSync(dest, { recursive: true });
  const hosts = readdirSync(bundle).sort();
  for (const h of hosts) {
    const files = readdirSync(path.join(bundle, h)).filter((f) => commandOf(f) !== undefined).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
    const out = [`==== hostname ====\n${h}\n`];
    for (const f of files) out.push(`==== ${commandOf(f)} ====\n${readFileSync(path.join(bundle, h, f), "utf8").replace(/\n?$/, "\n")}`);
    writeFileSync(path.join(dest, `${h}-collect.txt`), out.join("\n"));
  }
  return hosts;
}

export const fqdn = (host: string) => `${host}.prod-2.example.net`;

/** a zip of `<fqdn>/{cmd,logs,captures,before,after}/…`; returns the zip's path */
export function writeNestedZip(bundle: string, destDir: string): string {
  const root = path.join(destDir, "support-bundle");
  for (const h of readdirSync(bundle)) {
    for (const f of readdirSync(path.join(bundle, h))) {
      const moment = /-before\./.test(f) ? "before" : /-after\./.test(f) ? "after" : undefined;
      const base = f.replace(/-(before|after)(?=\.)/, "");
      let rel: string;
      if (/\.pcap$/.test(f)) rel = `captures/${f}`;
      else if (/\.log$/.test(f) || /^dmesg/.test(f)) rel = `logs/${f}`;
      else if (base === "proc-net-netstat.txt") rel = "proc/net/netstat";
      else if (base === "proc-net-snmp.txt") rel = "proc/net/snmp";
      else rel = `cmd/${base.replace(/\.txt$/, "")}`;
      const to = path.join(root, fqdn(h), ...(moment ? [moment] : []), rel);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(bundle, h, f), to);
    }
  }
  const zip = path.join(destDir, "support-bundle.zip");
  execFileSync("zip", ["-qr", zip, "support-bundle"], { cwd: destDir });
  return zip;
}
