// The checklist on real evidence: the ten lab bundles (recorded on this machine by scripts/record/lab-bundles.sh),
// the five seed bundles, and thin pastes. Each scenario's telling item fails with a fact citing a file of the
// bundle; the healthy one fails nothing; missing evidence comes with the command to run and where.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readBundle } from "../bundle";
import { diagnose } from "../diagnosis";
import { evidenceFromTexts } from "../evidence";
import { buildChecklist, STEPS, withEntries, type Checklist, type ChecklistInput, type ChecklistItem } from "./index";

const LAB = path.join(__dirname, "testdata/lab");
const SEEDS = path.join(__dirname, "../diagnosis/testdata/seeds");

async function inputOf(paths: string[]): Promise<ChecklistInput> {
  // readBundle summarises the captures while it streams the bundle
  const b = await readBundle(paths, { captures: {} });
  if (b.status !== "success") throw new Error(b.error.message);
  const captures: ChecklistInput["captures"] = b.captures;
  const analysis = diagnose({ hosts: b.hosts, captures, context: {} });
  return { analysis, hosts: b.hosts, captures };
}

function items(c: Checklist): ChecklistItem[] {
  return c.steps.flatMap((s) => s.items);
}
function get(c: Checklist, key: string): ChecklistItem {
  const i = items(c).find((x) => x.key === key);
  if (!i) throw new Error(`no item ${key}`);
  return i;
}

/** What holds for every checklist: order, keys, citations of real files, a command for every gap. */
function expectWellFormed(c: Checklist, input: ChecklistInput): void {
  expect(c.steps.map((s) => s.step)).toEqual([...STEPS]);
  const keys = items(c).map((i) => i.key);
  expect(new Set(keys).size).toBe(keys.length);
  const files = new Set<string>();
  for (const h of input.hosts) for (const f of h.files) files.add(`${h.host}\u0000${f.path}`);
  for (const x of input.captures) files.add(`${x.host}\u0000${x.file}`);
  for (const i of items(c)) {
    if (i.status === "unknown") {
      expect(i.collect.length, `${i.key} has no command to get its evidence`).toBeGreaterThan(0);
      for (const k of i.collect) expect(k.command.trim().length).toBeGreaterThan(3);
    } else {
      expect(i.facts.length, `${i.key} (${i.status}) cites no fact`).toBeGreaterThan(0);
    }
    for (const f of i.facts) {
      if (f.host === "(given)") continue;
      expect(files.has(`${f.host}\u0000${f.file}`), `${i.key} cites ${f.host}:${f.file}, not in the evidence`).toBe(true);
    }
  }
}

const LAB_EXPECT: Record<string, { fail: string[]; headline: string | null }> = {
  accept_queue_overflow: { fail: ["resources.accept-queue", "capture.syn-retrans", "kernel.counters"], headline: "accept_queue_overflow" },
  bridge_nf_call_iptables_disabled: { fail: ["kernel.sysctls"], headline: "bridge_nf_call_iptables_disabled" },
  bridge_subnet_collision: { fail: ["kernel.routes"], headline: "bridge_subnet_collision" },
  ephemeral_port_exhaustion: { fail: ["resources.ephemeral-ports", "logs.proxy-errors", "logs.5xx"], headline: "ephemeral_port_exhaustion" },
  healthy: { fail: [], headline: null },
  keepalive_timeout_mismatch: { fail: ["timeouts.chain", "logs.proxy-errors", "logs.5xx"], headline: "keepalive_timeout_mismatch" },
  overlay_mtu_mismatch: { fail: ["kernel.mtu", "kernel.counters"], headline: "overlay_mtu_mismatch" },
  pmtu_blackhole: { fail: ["kernel.mtu", "kernel.counters"], headline: "pmtu_blackhole" },
  port_range_nodeport_collision: { fail: ["resources.port-range", "capture.syn-retrans"], headline: "port_range_nodeport_collision" },
  rp_filter_asymmetric_route: { fail: ["kernel.sysctls", "kernel.counters"], headline: "rp_filter_asymmetric_route" },
};

describe("checklist on the lab bundles", () => {
  for (const [scenario, want] of Object.entries(LAB_EXPECT)) {
    it(scenario, async () => {
      const input = await inputOf([path.join(LAB, `${scenario}.tar.gz`)]);
      const c = buildChecklist(input);
      expectWellFormed(c, input);
      for (const key of want.fail) expect(get(c, key).status, `${key}: ${get(c, key).summary}`).toBe("fail");
      if (want.headline) {
        expect(c.headline?.id).toBe(want.headline);
        expect(c.headline?.confirmed).toBe(true);
      } else {
        expect(c.headline).toBeNull();
        expect(items(c).filter((i) => i.status === "fail").map((i) => `${i.key}: ${i.summary}`)).toEqual([]);
      }
    });
  }

  it("accept queue: cites the full listener and the overflow counter on the server", async () => {
    const c = buildChecklist(await inputOf([path.join(LAB, "accept_queue_overflow.tar.gz")]));
    const aq = get(c, "resources.accept-queue");
    expect(aq.facts.some((f) => f.host === "server" && /10\.210\.0\.1:8080 .* 17 connections waiting on a backlog of 16/.test(f.fact) && f.line)).toBe(true);
    expect(aq.facts.some((f) => f.host === "server" && /ListenOverflows rose by 1,281/.test(f.fact))).toBe(true);
    const syn = get(c, "capture.syn-retrans");
    expect(syn.facts[0]!.fact).toMatch(/SYN retransmissions at \+1 s .*the kernel's schedule: \+1, \+2, \+3, \+4, \+5, \+7/);
  });

  it("healthy: every step that has evidence passes, gaps say what to collect", async () => {
    const input = await inputOf([path.join(LAB, "healthy.tar.gz")]);
    const c = buildChecklist(input);
    expect(c.counts.fail).toBe(0);
    expect(get(c, "logs.5xx").summary).toMatch(/None of 23 logged requests/);
    expect(get(c, "capture.flows").status).toBe("pass");
  });
});

const SEED_EXPECT: Record<string, { headline: string; fail: string[] }> = {
  "000-overlay-mtu": { headline: "overlay_mtu_mismatch", fail: ["kernel.mtu"] },
  "001-tw-recycle-swarm": { headline: "tw_recycle_nat_paws", fail: ["kernel.sysctls"] },
  "002-nodeport": { headline: "port_range_nodeport_collision", fail: ["resources.port-range", "timeouts.latency"] },
  "003-tw-recycle-nat": { headline: "tw_recycle_nat_paws", fail: ["kernel.sysctls"] },
  "004-accept-queue": { headline: "accept_queue_overflow", fail: ["resources.accept-queue", "capture.syn-retrans"] },
};

describe("checklist on the seed bundles", () => {
  for (const [seed, want] of Object.entries(SEED_EXPECT)) {
    it(seed, async () => {
      const input = await inputOf([path.join(SEEDS, seed)]);
      const c = buildChecklist(input);
      expectWellFormed(c, input);
      expect(c.headline?.id).toBe(want.headline);
      for (const key of want.fail) expect(get(c, key).status, `${key}: ${get(c, key).summary}`).toBe("fail");
    });
  }
});

describe("checklist on thin evidence", () => {
  it("one pasted netstat -s: counters since boot warn, everything else asks for its command on that node", async () => {
    // the first 60 lines of the seed-004 team's own `netstat -s` (recorded, see the seed's notes)
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(path.join(SEEDS, "004-accept-queue/nginx-pod/netstat-s-after.txt"), "utf8");
    const host = evidenceFromTexts("nginx-pod", [{ path: "paste-1.txt", text }]);
    const input: ChecklistInput = { analysis: diagnose({ hosts: [host], captures: [] }), hosts: [host], captures: [], nodes: ["nginx-pod", "ingress-1"] };
    const c = buildChecklist(input);
    expectWellFormed(c, input);
    const aq = get(c, "resources.accept-queue");
    expect(aq.status).not.toBe("pass");
    expect(aq.facts.some((f) => f.file === "paste-1.txt" && /ListenOverflows/.test(f.fact))).toBe(true);
    const capture = get(c, "capture.flows");
    expect(capture.status).toBe("unknown");
    expect(capture.collect.map((k) => k.host)).toEqual(["ingress-1", "nginx-pod"]);
    expect(capture.collect[0]!.command).toMatch(/^timeout 60 tcpdump -i any/);
    expect(capture.collect[0]!.send).toEqual(["upload"]);
    expect(get(c, "kernel.version").collect[0]!.command).toBe("uname -r");
  });

  it("no evidence at all: every item is unknown and names 'each node' when no node is linked", () => {
    const c = buildChecklist({ analysis: null, hosts: [], captures: [] });
    expect(c.counts).toEqual({ pass: 0, warn: 0, fail: 0, unknown: items(c).length });
    for (const i of items(c)) expect(i.collect[0]!.host).toBe("each node");
    expect(c.headline).toBeNull();
  });

  it("a leading hypothesis (too thin to confirm) heads the checklist with its next steps", () => {
    const c = buildChecklist({
      analysis: {
        rootCause: "none",
        findings: [{ id: "accept_queue_overflow", confidence: 0.45, title: "Accept queue overflow", summary: "", evidence: [], against: [], fix: [], references: [] }],
        checked: [],
        hosts: [],
        leading: { id: "accept_queue_overflow", confidence: 0.45, next: [{ host: "server", command: "ss -ltn", why: "Recv-Q ≥ Send-Q confirms a full accept queue" }] },
      },
      hosts: [],
      captures: [],
    });
    expect(c.headline).toEqual({
      id: "accept_queue_overflow", title: "Accept queue overflow", confidence: 0.45, confirmed: false,
      next: [{ host: "server", command: "ss -ltn", why: "Recv-Q ≥ Send-Q confirms a full accept queue", send: ["paste", "upload", "agent"] }],
    });
    const aq = get(c, "resources.accept-queue");
    expect(aq.status).toBe("warn");
    expect(aq.summary).toBe("Nothing conclusive here, but the analysis has a weak lead: Accept queue overflow (confidence 0.45).");
    expect(aq.collect[0]).toMatchObject({ host: "server", command: "ss -ltn" });
  });
});

describe("withEntries", () => {
  it("lays ticks, notes and manual checks over the computed items and recounts", () => {
    const c = buildChecklist({ analysis: null, hosts: [], captures: [] });
    const by = { id: "u1", name: "Ada" };
    const v = withEntries(c, [
      { itemKey: "capture.flows", step: "capture", manual: false, title: null, ticked: true, result: null, note: "asked Bo for a pcap", version: 2, updatedBy: by, updatedAt: "2026-12-07T10:00:00.000Z" },
      { itemKey: "manual.b", step: "logs", manual: true, title: "Load balancer 5xx dashboard", ticked: false, result: "fail", note: null, version: 1, updatedBy: by, updatedAt: "2026-12-07T10:02:00.000Z" },
      { itemKey: "manual.a", step: "logs", manual: true, title: "CDN error rate", ticked: true, result: "bogus", note: null, version: 1, updatedBy: null, updatedAt: "2026-12-07T10:01:00.000Z" },
    ]);
    const flows = v.steps.find((s) => s.step === "capture")!.items.find((i) => i.key === "capture.flows")!;
    expect(flows).toMatchObject({ ticked: true, note: "asked Bo for a pcap", entry: { version: 2, updatedBy: by } });
    const logs = v.steps.find((s) => s.step === "logs")!;
    expect(logs.items.slice(-2).map((i) => [i.key, i.status, i.manual])).toEqual([["manual.a", "unknown", true], ["manual.b", "fail", true]]);
    expect(logs.status).toBe("fail");
    expect(v.counts.fail).toBe(1);
  });
});
