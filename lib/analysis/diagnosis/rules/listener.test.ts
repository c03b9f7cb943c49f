/**
 * accept_queue_overflow's capture signal on real captures: a listener that completed handshakes and then
 * left the same client's SYNs unanswered (no SYN-ACK, no RST). accept-queue-full-syn-drops.pcap
 * (scripts/record/capture-accept-queue-full.sh: backlog 1, never accept()ed, five curls) has it; a healthy
 * exchange, SYNs dropped by a firewall from the first one on (syn-retries-2.pcap), and a port dropped next to
 * one that answers (tcpdump-eth0.pcap: :81 dropped, :80 answered) do not.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { summarizeCapture } from "../../capture";
import { recorded } from "../../evidence/testdata/paths";
import { diagnose } from "../diagnose";

const here = path.dirname(fileURLToPath(import.meta.url));
const pcaps = {
  full: path.join(here, "../../capture/testdata/accept-queue-full-syn-drops.pcap"),
  healthy: path.join(here, "../../capture/testdata/healthy-http.pcap"),
  firewalled: path.join(here, "../testdata/recorded/syn-retries-2.pcap"),
  otherPort: recorded("tcpdump-eth0.pcap"),
};
async function signal(file: string) {
  const summary = await summarizeCapture(readFileSync(file));
  const a = diagnose({ hosts: [], captures: [{ host: "server", file: path.basename(file), summary }] });
  const f = a.findings.find((x) => x.id === "accept_queue_overflow");
  return { f, fact: f?.evidence.find((e) => /then left/.test(e.fact))?.fact };
}

describe("a listener that answered, then went silent (capture)", () => {
  it("the full accept queue: handshakes answered, then the same client's SYNs retransmitted with no answer", async () => {
    const { f, fact } = await signal(pcaps.full);
    expect(fact).toMatch(/^10\.240\.1\.1:8080 completed \d+ handshake\(s\), then left \d+ connection\(s\) unanswered/);
    // a capture alone, no counters: not a root cause, but it rests on something observed
    expect(f?.basis).toBe("observed");
    expect(f!.confidence).toBeLessThan(0.5);
  });

  it("not on a healthy exchange, a firewall dropping from the first SYN, or another port of the host", async () => {
    for (const file of [pcaps.healthy, pcaps.firewalled, pcaps.otherPort]) {
      expect((await signal(file)).fact, file).toBeUndefined();
    }
  });
});
