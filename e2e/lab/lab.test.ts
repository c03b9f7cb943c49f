/**
 * Lab reproductions → diagnosis. Each scenario script builds its topology in network namespaces on this
 * machine's real kernel, produces its fault, and leaves one folder per host; the diagnosis engine must
 * name the scenario's root cause from that bundle alone (file names are not special-cased anywhere).
 *
 * Needs root, working `ip netns` and the lab's tools (e2e/lab/README.md); otherwise the suite is skipped
 * with the reason.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeBundle } from "../../lib/analysis/diagnosis";
import { fqdn, writeConcatenated, writeNestedZip } from "./styles";

const LAB = path.dirname(fileURLToPath(import.meta.url));
const TOOLS = ["ip", "tcpdump", "nft", "iptables", "iptables-restore", "conntrack", "nstat", "netstat", "ss", "sysctl", "python3", "nginx", "curl"];

function whyNot(): string | null {
  if (process.platform !== "linux") return "not Linux";
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  if (missing.length > 0) return `missing tools: ${missing.join(", ")} (see e2e/lab/README.md)`;
  const probe = `nmlprobe${process.pid}`;
  const add = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (add.status !== 0) return `ip netns does not work here: ${add.stderr.trim()}`;
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}

const reason = whyNot();
if (reason) console.warn(`lab tests skipped: ${reason}`);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runScenario(id: string, env: Record<string, string> = {}): string {
  const out = mkdtempSync(path.join(tmpdir(), `netmortem-lab-${id}-`));
  dirs.push(out);
  execFileSync("bash", [path.join(LAB, "scenarios", `${id}.sh`), out], { stdio: ["ignore", "ignore", "pipe"], timeout: 90_000, env: { ...process.env, ...env } });
  return out;
}

// real sosreport trees (Debian's sos, networking + kernel plugins) of the accept-queue run's hosts, taken at the
// same moment as its bundle: ~6 s per host, so one scenario only
const SOS = spawnSync("sh", ["-c", "command -v sos"]).status === 0;

const cases: { id: string; expected: string; hosts: string[] }[] = [
  { id: "accept_queue_overflow", expected: "accept_queue_overflow", hosts: ["client", "server"] },
  { id: "overlay_mtu_mismatch", expected: "overlay_mtu_mismatch", hosts: ["node-a", "node-b", "pod-a", "pod-b"] },
  { id: "port_range_nodeport_collision", expected: "port_range_nodeport_collision", hosts: ["app", "node-1"] },
  { id: "rp_filter_asymmetric_route", expected: "rp_filter_asymmetric_route", hosts: ["client", "node"] },
  { id: "pmtu_blackhole", expected: "pmtu_blackhole", hosts: ["client", "r1", "r2", "server"] },
  { id: "ephemeral_port_exhaustion", expected: "ephemeral_port_exhaustion", hosts: ["client", "proxy"] },
  { id: "bridge_subnet_collision", expected: "bridge_subnet_collision", hosts: ["docker-host"] },
  { id: "keepalive_timeout_mismatch", expected: "keepalive_timeout_mismatch", hosts: ["client", "proxy", "upstream"] },
  { id: "bridge_nf_call_iptables_disabled", expected: "bridge_nf_call_iptables_disabled", hosts: ["node", "pod-backend", "pod-client"] },
  { id: "healthy", expected: "none", hosts: ["client", "server"] },
];

describe.skipIf(reason !== null)("lab reproductions on this kernel", () => {
  for (const c of cases) {
    it(`${c.id} → ${c.expected}`, { timeout: 180_000 }, async () => {
      const sosDir = SOS && c.id === "accept_queue_overflow" ? mkdtempSync(path.join(tmpdir(), "netmortem-lab-sos-")) : undefined;
      if (sosDir) dirs.push(sosDir);
      const out = runScenario(c.id, sosDir ? { LAB_SOS_DIR: sosDir } : {});
      expect(readdirSync(out).sort()).toEqual(c.hosts);
      const analysis = await analyzeBundle([out]);
      const summary = analysis.findings.map((f) => `${f.id} ${f.confidence.toFixed(2)}`).join(", ");
      expect(analysis.rootCause, `findings: ${summary}`).toBe(c.expected);
      expect(analysis.hosts.map((h) => h.name).sort()).toEqual(c.hosts);
      if (c.expected === "none") {
        // a healthy bundle must still say what was looked at
        expect(analysis.checked.length).toBeGreaterThan(0);
        expect(analysis.leading, `leading: ${JSON.stringify(analysis.leading)}`).toBeNull();
      } else {
        const top = analysis.findings[0];
        expect(top?.id).toBe(c.expected);
        // the finding cites files of this bundle's hosts
        expect(top?.evidence.some((e) => c.hosts.includes(e.host))).toBe(true);
      }
      // the same run's evidence in two other styles gives the same diagnosis
      const styles = mkdtempSync(path.join(tmpdir(), `netmortem-lab-styles-${c.id}-`));
      dirs.push(styles);
      writeConcatenated(out, path.join(styles, "concatenated"));
      const concatenated = await analyzeBundle([path.join(styles, "concatenated")]);
      const sum = (a: typeof analysis) => `${a.rootCause} / leading ${a.leading?.id ?? "-"}: ${a.findings.map((f) => `${f.id} ${f.confidence.toFixed(2)}`).join(", ")}`;
      expect(concatenated.rootCause, `concatenated: ${sum(concatenated)}`).toBe(c.expected);
      expect(concatenated.hosts.map((h) => h.name).sort()).toEqual(c.hosts);
      const zip = writeNestedZip(out, styles);
      const zipped = await analyzeBundle([zip]);
      expect(zipped.rootCause, `zip: ${sum(zipped)}`).toBe(c.expected);
      expect(zipped.hosts.map((h) => h.name).sort()).toEqual(c.hosts.map(fqdn).sort());
      if (c.expected === "none") {
        expect(concatenated.leading).toBeNull();
        expect(zipped.leading).toBeNull();
      }
      if (sosDir) {
        // a sosreport is one reading: the counters since the namespace was made lead, ss is not in sos 4.0
        const sos = await analyzeBundle([sosDir]);
        expect(sos.hosts.map((h) => h.name).sort()).toEqual(c.hosts);
        expect(sos.rootCause !== "none" ? sos.rootCause : sos.leading?.id, `sosreport: ${sum(sos)}`).toBe(c.expected);
        expect(sos.hosts.every((h) => /^\d+\.\d+/.test(h.kernel ?? ""))).toBe(true);
      }
    });
  }
});
