/**
 * ping / ping6 and tracepath output → the path MTU the probe learned, as a cached route (what the kernel
 * keeps after a Frag needed / Packet too big: `ip route get` would show `cache … mtu N`):
 *   PING 10.0.0.9 (10.0.0.9) 1472(1500) bytes of data.        PING fd20:3::2(fd20:3::2) 1400 data bytes
 *   From 10.0.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)
 *   From fd20:1::1 icmp_seq=1 Packet too big: mtu=1280
 *   ping: local error: message too long, mtu: 1280            (iputils: `mtu=1400` on older versions)
 *   --- 10.0.0.9 ping statistics ---
 *    1:  10.0.0.1      0.512ms pmtu 1400                      (tracepath)     Resume: pmtu 1400
 * Replies, statistics and the rest are read as that output.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { fail, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const HEAD4 = /^PING (\S+) \((\S+)\)(?: from \S+ \S+:)? \d+\(\d+\) bytes of data\.$/;
const HEAD6 = /^PING (\S+?)\((\S+?)\)(?: from \S+ \S+:)? \d+ data bytes$/;
const TRACEPATH = /^\s*\d{1,3}\??:\s+(?:\[LOCALHOST\]|\S+).*\bpmtu (\d{3,5})\s*$/;
const RESUME = /^\s*Resume: pmtu (\d{3,5})/;
const MTU = /(?:Frag needed and DF set \(mtu = (\d{3,5})\)|Packet too big: mtu=(\d{3,5})|local error: [Mm]essage too long, mtu[=:] ?(\d{3,5}))/;
const OTHER = /^(?:\d+ bytes from |From \S+ icmp_seq=|Request timeout|--- .* ping statistics ---|\d+ packets transmitted|rtt |round-trip |ping: |PING |\s*\d{1,3}\??:\s|\s*Resume: |\s*Too many hops)/;

function sniff(head: string): number {
  const lines = headLines(head, 8);
  for (const l of lines) if (HEAD4.test(l) || HEAD6.test(l)) return 0.92;
  if (lines.some((l) => /^ ?1\?: \[LOCALHOST\]/.test(l))) return 0.9;
  return 0;
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const routes: NonNullable<FileFacts["routes"]> = [];
  let dst: string | undefined;
  let seen = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "") continue;
    const h = HEAD4.exec(l) ?? HEAD6.exec(l);
    if (h) {
      dst = h[2];
      seen = true;
      continue;
    }
    const m = MTU.exec(l);
    const tp = TRACEPATH.exec(l) ?? RESUME.exec(l);
    const mtu = m ? Number(m[1] ?? m[2] ?? m[3]) : tp && !/\[LOCALHOST\]/.test(l) ? Number(tp[1]) : undefined;
    if (mtu !== undefined && dst && mtu >= 576 && !routes.some((r) => r.mtu === mtu && r.dst === dst)) {
      routes.push({ dst, mtu, source: "cache", line: i + 1 });
    }
    if (m || tp || OTHER.test(l)) {
      seen = true;
      continue;
    }
    warnings.push({ line: i + 1, message: `not a ping line: ${l.slice(0, 120)}` });
  }
  if (!seen) return fail("ping: no PING header or reply line");
  return ok({ routes }, warnings);
}

export const pingParser: TextParser = {
  kind: "ping",
  sniff: guardedSniff(sniff),
  parse: guarded("ping", parse),
};
