/**
 * Kernel log lines: `dmesg` (`[ 1234.567890] …`, `dmesg -T` `[Sun Nov 22 07:38:16 2026] …`, raw `<4>[…]`),
 * `journalctl -k` (`Nov 22 07:38:16 host kernel: …`, `-o short-iso` `2026-11-22T07:38:16+0000 host kernel: …`)
 * and /var/log/messages / kern.log (syslog prefixes). Only the sentences diagnosis needs become events:
 *
 *   nf_conntrack: table full, dropping packet            (also "nf_conntrack: nf_conntrack: …" and "… in netns")
 *   TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.   (newer: "on port [::]:80")
 *   IPv4: martian source 10.0.0.1 from 10.0.0.2, on dev eth0
 *   neighbour: arp_cache: neighbor table overflow!       (older: "Neighbour table overflow.")
 *
 * Everything else in a kernel log is understood as ordinary kernel chatter: no warning, no event.
 * Syslog prefixes without a year give no ISO time (a guessed year would be worse than none).
 */
import type { FileFacts, Warning } from "../../parser";
import { baseName, fail, headLines, isoFrom, lineFraction, monthNumber, ok, safeParser, splitLines } from "./util";

type Event = NonNullable<FileFacts["logEvents"]>[number];

const DMESG = /^(?:<\d{1,2}>)?\[\s*(\d{1,10}\.\d{1,9})\] /;
const DMESG_T = /^\[(?:[A-Z][a-z]{2}) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\] /;
const SYSLOG = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) \S{1,255} kernel: /;
const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)? \S{1,255} kernel: /;
const RFC5424 = /^<\d{1,3}>\d \d{4}-\d\d-\d\dT\S{8,40} \S{1,255} kernel /;

function prefix(l: string): { rest: string; time?: string } | undefined {
  let m = ISO.exec(l);
  if (m) return { rest: l.slice(m[0].length), time: isoFrom(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], m[7] ?? "", m[8]) };
  m = DMESG_T.exec(l);
  if (m) {
    const mo = monthNumber(m[1]);
    const rest = l.slice(m[0].length);
    return mo ? { rest, time: isoFrom(+m[6], mo, +m[2], +m[3], +m[4], +m[5]) } : { rest };
  }
  m = SYSLOG.exec(l);
  if (m) {
    const rest = l.slice(m[0].length);
    const d = DMESG.exec(rest); // journald keeps the dmesg stamp inside the message sometimes
    return { rest: d ? rest.slice(d[0].length) : rest };
  }
  m = DMESG.exec(l);
  if (m) return { rest: l.slice(m[0].length) };
  m = RFC5424.exec(l);
  if (m) return { rest: l.slice(m[0].length) };
  return undefined;
}

function classify(msg: string): Omit<Event, "message" | "line"> | undefined {
  if (msg.includes("nf_conntrack: table full, dropping packet") || msg.includes("ip_conntrack: table full, dropping packet")) {
    return { kind: "conntrack_table_full" };
  }
  const syn = /Possible SYN flooding on port (?:\[[0-9A-Fa-f:.]{0,45}\]:|[0-9.]{7,15}:)?(\d{1,5})\b/.exec(msg);
  if (syn) return { kind: "syn_flooding", port: +syn[1] };
  const mart = /martian source (\S{1,64}) from (\S{1,64}), on dev (\S{1,32})/.exec(msg);
  if (mart) return { kind: "martian_source", client: mart[2] };
  if (/[Nn]eighbou?r table overflow/.test(msg)) return { kind: "neighbour_table_overflow" };
  return undefined;
}

function parseKernel(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const events: Event[] = [];
  let prefixed = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === "" || l.startsWith("#")) continue;
    const p = prefix(l);
    if (p) prefixed++;
    const msg = p ? p.rest : l;
    // a cheap gate before the regexes: every known sentence has one of these words
    if (!(msg.includes("table full") || msg.includes("SYN flooding") || msg.includes("martian") || msg.includes("table overflow"))) continue;
    const c = classify(msg);
    if (!c) continue;
    const ev: Event = { ...c, message: msg.length > 1000 ? msg.slice(0, 1000) : msg, line: i + 1 };
    if (p?.time) ev.time = p.time;
    events.push(ev);
  }
  if (prefixed === 0 && events.length === 0) return fail("kernel log: no dmesg / syslog kernel line");
  return ok({ logEvents: events }, warnings);
}

export const kernelLogParser = safeParser("kernel-log", "kernel-log", (head, name) => {
  const lines = headLines(head, 60);
  let known = 0;
  const { hits, counted } = lineFraction(lines, (l) => {
    const p = prefix(l);
    if (p && classify(p.rest)) known++;
    return p !== undefined;
  });
  if (hits === 0) return 0;
  const frac = hits / counted;
  if (frac < 0.5) return 0;
  const hint = /dmesg|kern|messages|journal/.test(baseName(name)) ? 0.03 : 0;
  return Math.min(0.97, 0.7 + 0.15 * frac + (known ? 0.1 : 0) + hint);
}, parseKernel);
