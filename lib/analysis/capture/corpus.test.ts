/**
 * Every capture of the shared corpus, checked against figures tshark 4.0 gives for the same file
 * (capinfos packet count and encapsulation; `-z conv,tcp` / tcp.stream for flows; display filters
 * tcp.flags.syn, tcp.analysis.retransmission, tcp.analysis.out_of_order, tcp.analysis.duplicate_ack,
 * tcp.analysis.zero_window, tcp.flags.reset, tcp.options.mss_val, icmp.mtu / icmpv6.mtu).
 *
 * Where our definition and tshark's differ, the figure is written as tshark's plus the difference:
 * - retransmissions: ours is "the segment re-sends sequence space already sent" (keep-alives excepted),
 *   which is tshark's retransmission + fast retransmission + spurious + out-of-order; tshark files a
 *   re-sent segment that arrives within one RTT as out-of-order instead (smtp: 1, syn-retrans-ts-vlan: 1).
 * - icmp-frag-needed-http: tshark also dissects the TCP headers sampled inside an sFlow datagram (frame
 *   116) and counts 2 more streams and 1 more SYN-ACK there; `-z conv,tcp` lists the 7 real connections.
 * - corrupt files: tshark refuses them outright or after the good records; we summarise what was read and
 *   report where reading stopped (see the robustness tests below).
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeCapture } from "./index";
import type { CaptureSummary } from "./model";

import { CORPUS } from "./test-paths";

type Expect = {
  packets: number;
  link: string[];
  tcpFlows: number;
  syn: number;
  synAck: number;
  retrans: number;
  dupAcks: number;
  zeroWindows: number;
  rstPackets: number;
  mss: number[];
  icmpMtu: number[];
};

const TSHARK: Record<string, Expect> = {
  "accecn-handshake.pcap": { packets: 6, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "bigtcp-ipv4-80000-byte-segment.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "bigtcp-ipv6-hbh-jumbo-80000-byte-segment.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "corrupt-record-length-after-2-packets.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "corrupt-record-length-after-6-packets.pcap": { packets: 6, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [65495], icmpMtu: [] },
  "dns-noreply-retries.pcapng": { packets: 9, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "geneve-icmp-tcp.pcap": { packets: 39, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "gso-vxlan-ipv4-6990-byte-segment.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "http-browse-syn-retrans-unanswered.pcapng": { packets: 569, link: ["ETHERNET"], tcpFlows: 16, syn: 100, synAck: 7, retrans: 84, dupAcks: 0, zeroWindows: 0, rstPackets: 1, mss: [1460], icmpMtu: [] },
  "http-ipv4-and-ipv6.pcapng": { packets: 20, link: ["ETHERNET"], tcpFlows: 2, syn: 2, synAck: 2, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1440, 1460], icmpMtu: [] },
  "http-ipv6-loopback.pcap": { packets: 14, link: ["NULL"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [16324], icmpMtu: [] },
  "http-retrans-dupack-duplicated-frames.pcap": { packets: 227, link: ["ETHERNET"], tcpFlows: 1, syn: 2, synAck: 2, retrans: 83, dupAcks: 29, zeroWindows: 0, rstPackets: 2, mss: [1380, 1460], icmpMtu: [] },
  "http-window-full-gzip-compressed.pcap.gz": { packets: 289, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "icmp-frag-needed-http.pcap": { packets: 133, link: ["ETHERNET"], tcpFlows: 7, syn: 7, synAck: 7, retrans: 12, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [1500, 1500, 1500, 1500, 1500, 1500] },
  "icmp6-packet-too-big.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [1280] },
  "icmp6-too-big-atomic-fragments.pcap": { packets: 5, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [1200] },
  "ipv6-fragments.pcapng": { packets: 22, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "mqtt-ipv6-zero-window.pcap": { packets: 37, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 1, rstPackets: 0, mss: [65476], icmpMtu: [] },
  "nanosecond-big-endian-http.pcap": { packets: 10, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [65495], icmpMtu: [] },
  "nflog-http.pcap": { packets: 13, link: ["NFLOG"], tcpFlows: 1, syn: 3, synAck: 1, retrans: 2, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "null-loopback.pcap": { packets: 3, link: ["NULL"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "pcap-invalid-version-1.pcap": { packets: 0, link: [], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "pcap-truncated-global-header-23-bytes.pcap": { packets: 0, link: [], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "pcapng-big-endian-two-interfaces.pcapng": { packets: 5, link: ["ETHERNET", "NULL"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "pcapng-block-len-too-small.pcapng": { packets: 0, link: [], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "pcapng-many-interfaces.pcapng": { packets: 64, link: ["ETHERNET", "NULL"], tcpFlows: 2, syn: 2, synAck: 2, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1430, 1460], icmpMtu: [] },
  "pcapng-shb-option-too-long.pcapng": { packets: 0, link: [], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "pcapng-truncated-shb.pcapng": { packets: 0, link: [], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "pop3-syn-rst-retries.pcap": { packets: 125, link: ["ETHERNET"], tcpFlows: 7, syn: 12, synAck: 5, retrans: 5, dupAcks: 0, zeroWindows: 0, rstPackets: 6, mss: [1460], icmpMtu: [] },
  "qinq-802.1ad-arp.pcap": { packets: 2, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "rawip-ipv6-four-http-streams.pcap": { packets: 81, link: ["RAW"], tcpFlows: 4, syn: 4, synAck: 4, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1420, 1440], icmpMtu: [] },
  "rawip4-linktype.pcap": { packets: 2, link: ["IPV4"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "rdp-synack-retrans-then-syn-retrans.pcap": { packets: 11, link: ["ETHERNET"], tcpFlows: 1, syn: 2, synAck: 2, retrans: 4, dupAcks: 1, zeroWindows: 0, rstPackets: 0, mss: [1398, 1460], icmpMtu: [] },
  "sll-arp.pcap": { packets: 12, link: ["LINUX_SLL"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "sll-loopback-tcp-fastopen.pcap": { packets: 16, link: ["LINUX_SLL"], tcpFlows: 2, syn: 2, synAck: 2, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [65495], icmpMtu: [] },
  "sll2-http.pcap": { packets: 5, link: ["LINUX_SLL2"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "sll2-loopback-icmp.pcap": { packets: 6, link: ["LINUX_SLL2"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "sll2-tls-fin-retrans.pcap": { packets: 3, link: ["LINUX_SLL2"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 1, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "smtp-icmp-frag-needed-mtu1492.pcap": { packets: 125, link: ["ETHERNET"], tcpFlows: 6, syn: 3, synAck: 3, retrans: 6 + 1, dupAcks: 2, zeroWindows: 0, rstPackets: 0, mss: [1440, 1460], icmpMtu: [1492, 1492, 1492, 1492] },
  "ssh-one-sided-capture-unanswered-syns.pcap": { packets: 838, link: ["ETHERNET"], tcpFlows: 20, syn: 22, synAck: 0, retrans: 9, dupAcks: 8, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "syn-retrans-ts-vlan-dupack.pcap": { packets: 254, link: ["ETHERNET"], tcpFlows: 1, syn: 2, synAck: 1, retrans: 18 + 1, dupAcks: 53, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "tcp-dupack-fast-retrans-sack.pcapng": { packets: 9, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 1, dupAcks: 3, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "tcp-handshake-sll-nanosecond.pcap": { packets: 3, link: ["LINUX_SLL"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1360, 1440], icmpMtu: [] },
  "tcp-previous-segment-not-captured-unidirectional.pcap": { packets: 14, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "tcp-retransmissions-rto-backoff.pcapng": { packets: 6, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 5, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "tcp-rst-with-data-snaplen-truncated.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 1, mss: [], icmpMtu: [] },
  "tcp-rst-with-data.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 1, mss: [], icmpMtu: [] },
  "tcp-snaplen-truncated-smtp.pcap": { packets: 24, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "tcp-syn-noreply-retrans.pcapng": { packets: 5, link: ["ETHERNET"], tcpFlows: 1, syn: 3, synAck: 0, retrans: 2, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "tcp-syn-noreply-single.pcapng": { packets: 3, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "tcp-syn-rst-refused.pcapng": { packets: 2, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 1, mss: [1460], icmpMtu: [] },
  "tcp-syn-rst-retried-x3.pcapng": { packets: 8, link: ["ETHERNET"], tcpFlows: 1, syn: 3, synAck: 0, retrans: 2, dupAcks: 0, zeroWindows: 0, rstPackets: 3, mss: [1460], icmpMtu: [] },
  "tcp-syn-rst-with-ts.pcap": { packets: 2, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 1, mss: [1460], icmpMtu: [] },
  "tcp-synscan-rst-and-silence.pcapng": { packets: 2011, link: ["ETHERNET"], tcpFlows: 1994, syn: 1994, synAck: 12, retrans: 9, dupAcks: 0, zeroWindows: 0, rstPackets: 5, mss: [1380, 1460], icmpMtu: [] },
  "tcp-window-full-retrans-printer.pcapng": { packets: 122, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 2, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "tcp-zerowindow-persist-keepalive.pcapng": { packets: 8, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 4, rstPackets: 0, mss: [], icmpMtu: [] },
  "tcp-zerowindow-recovery.pcapng": { packets: 7, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 1, rstPackets: 0, mss: [], icmpMtu: [] },
  "tso-ipv4-total-length-zero.pcap": { packets: 1, link: ["ETHERNET"], tcpFlows: 1, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "vlan-icmp.pcap": { packets: 26, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "vlan-qinqinq-http.pcap": { packets: 14, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
  "vxlan-basic.pcap": { packets: 10, link: ["ETHERNET"], tcpFlows: 0, syn: 0, synAck: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [], icmpMtu: [] },
  "vxlan-http-jumbo-9100.pcap": { packets: 12, link: ["ETHERNET"], tcpFlows: 1, syn: 1, synAck: 1, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1452, 1460], icmpMtu: [] },
  "vxlan-ssh-ntp.pcap": { packets: 100, link: ["ETHERNET"], tcpFlows: 4, syn: 4, synAck: 4, retrans: 0, dupAcks: 0, zeroWindows: 0, rstPackets: 0, mss: [1460], icmpMtu: [] },
};

const sum = (s: CaptureSummary, f: (x: CaptureSummary["flows"][number]) => number) => s.flows.reduce((a, x) => a + f(x), 0);

describe("corpus captures agree with tshark", () => {
  it("covers every file of the corpus", () => {
    expect(readdirSync(CORPUS).sort()).toEqual(Object.keys(TSHARK).sort());
  });
  for (const [file, e] of Object.entries(TSHARK)) {
    it(file, async () => {
      const s = await summarizeCapture(new Uint8Array(readFileSync(path.join(CORPUS, file))));
      expect(s.packets).toBe(e.packets);
      expect([...s.linkTypes].sort()).toEqual([...e.link].sort());
      expect(s.tcpFlows).toBe(e.tcpFlows);
      expect(sum(s, (f) => f.synTimes.length)).toBe(e.syn);
      expect(sum(s, (f) => f.synAckTimes.length)).toBe(e.synAck);
      expect(s.retransmissions).toBe(e.retrans);
      expect(sum(s, (f) => f.dupAcks.orig + f.dupAcks.resp)).toBe(e.dupAcks);
      expect(sum(s, (f) => f.zeroWindows.orig + f.zeroWindows.resp)).toBe(e.zeroWindows);
      expect(sum(s, (f) => f.resets.orig + f.resets.resp)).toBe(e.rstPackets);
      expect(s.mssSeen).toEqual(e.mss);
      expect(s.icmpMtu.map((m) => m.mtu)).toEqual(e.icmpMtu);
    });
  }
});
