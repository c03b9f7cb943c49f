/**
 * The five seed postmortems, as the evidence bundles their teams had (testdata/seeds/<seed>/<host>/…, see
 * testdata/seeds/README.md for what is recorded and what is written following a real format): the
 * diagnosis must name each seed's root cause and its top finding must carry the fix the seed applied.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeBundle } from "./index";

const SEEDS = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata", "seeds");

const cases: { dir: string; rootCause: string; hosts: string[]; fix: RegExp; fixWhat: string; kernel?: RegExp }[] = [
  { dir: "000-overlay-mtu", rootCause: "overlay_mtu_mismatch", hosts: ["ecs-205", "ecs-207", "gateway-pod"], fix: /1450/, fixWhat: "an MTU of 1450" },
  { dir: "001-tw-recycle-swarm", rootCause: "tw_recycle_nat_paws", hosts: ["swarm-host"], fix: /tcp_tw_recycle\s*=\s*0/, fixWhat: "tcp_tw_recycle=0", kernel: /^3\.10\.0-1062\.el7/ },
  { dir: "002-nodeport", rootCause: "port_range_nodeport_collision", hosts: ["app-pod", "ingress-node"], fix: /ip_local_reserved_ports/, fixWhat: "ip_local_reserved_ports" },
  { dir: "003-tw-recycle-nat", rootCause: "tw_recycle_nat_paws", hosts: ["node10-151-11-1"], fix: /tcp_tw_recycle\s*=\s*0/, fixWhat: "tcp_tw_recycle=0", kernel: /^3\.10\.0-693\.el7/ },
  { dir: "004-accept-queue", rootCause: "accept_queue_overflow", hosts: ["nginx-pod"], fix: /somaxconn|backlog/, fixWhat: "somaxconn / backlog" },
];

describe("seed bundles", () => {
  for (const c of cases) {
    it(`${c.dir} → ${c.rootCause}, fix mentions ${c.fixWhat}`, async () => {
      const analysis = await analyzeBundle([path.join(SEEDS, c.dir)]);
      const summary = analysis.findings.map((f) => `${f.id} ${f.confidence.toFixed(2)}`).join(", ");
      expect(analysis.rootCause, `findings: ${summary}`).toBe(c.rootCause);
      expect(analysis.hosts.map((h) => h.name).sort()).toEqual(c.hosts);
      const top = analysis.findings[0];
      expect(top?.id).toBe(c.rootCause);
      expect(top?.fix.map((f) => f.command).join("\n")).toMatch(c.fix);
      expect(top?.evidence.every((e) => c.hosts.includes(e.host))).toBe(true);
      // the hand-written uname files start with a `# netmortem fixture:` line that must be skipped
      if (c.kernel) expect(analysis.hosts[0]?.kernel).toMatch(c.kernel);
    });
  }
});
