/**
 * `netstat -s` (net-tools). netstat reads /proc/net/snmp, /proc/net/netstat (and snmp6 with -6) and prints
 * each counter either as a sentence from its tables in statistics.c ("90 times the listen queue of a socket
 * overflowed") or, for counters it has no sentence for, raw as `Name: value`. The sentence tables below are
 * transcribed from net-tools statistics.c (Iptab, Icmptab, Tcptab, Udptab, Tcpexttab, Ip6tab, Icmp6tab,
 * Udp6tab, Sctptab; there is no IpExt table, IpExt/IcmpMsg/MPTcpExt are always raw).
 *
 * Hidden zeros: netstat prints `number` entries always, but skips `opt_number` entries, ICMP histogram
 * entries and raw counters when they are 0. So a counter that is absent from a section that IS present
 * was 0 when netstat ran. We pick the "fill" option: for every section present, each table field that was
 * not printed is reported as 0, cited at the section's header line. Counters unknown to the tables and
 * absent stay absent (we cannot know whether the kernel has them). A kernel that lacks a table field
 * (e.g. TCPPrequeued, removed in 4.14) will show it as 0, which is harmless for diagnosis.
 *
 * Only the English sentences are known: a localised netstat gives warnings for its sentence lines.
 */
import type { CounterReading, TextParser, Warning } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

type Entry = readonly [name: string, template: string, histogram?: "in" | "out"];

const IP: Entry[] = [
  ["DefaultTTL", "Default TTL is %llu"],
  ["ForwDatagrams", "%llu forwarded"],
  ["FragCreates", "%llu fragments created"],
  ["FragFails", "%llu fragments failed"],
  ["FragOKs", "%llu fragments received ok"],
  ["InAddrErrors", "%llu with invalid addresses"],
  ["InDelivers", "%llu incoming packets delivered"],
  ["InDiscards", "%llu incoming packets discarded"],
  ["InHdrErrors", "%llu with invalid headers"],
  ["InReceives", "%llu total packets received"],
  ["InUnknownProtos", "%llu with unknown protocol"],
  ["OutDiscards", "%llu outgoing packets dropped"],
  ["OutNoRoutes", "%llu dropped because of missing route"],
  ["OutRequests", "%llu requests sent out"],
  ["ReasmFails", "%llu packet reassemblies failed"],
  ["ReasmOKs", "%llu packets reassembled ok"],
  ["ReasmReqds", "%llu reassemblies required"],
  ["ReasmTimeout", "%llu fragments dropped after timeout"],
  // net-tools 1.60 spelling
  ["ReasmFails", "%llu packet reassembles failed"],
];

const IP6: Entry[] = [
  ["Ip6FragCreates", "%llu fragments created"],
  ["Ip6FragFails", "%llu fragments failed"],
  ["Ip6FragOKs", "%llu fragments received ok"],
  ["Ip6InAddrErrors", "%llu with invalid addresses"],
  ["Ip6InDelivers", "%llu incoming packets delivered"],
  ["Ip6InDiscards", "%llu incoming packets discarded"],
  ["Ip6InHdrErrors", "%llu with invalid headers"],
  ["Ip6InMcastPkts", "%llu incoming multicast packets"],
  ["Ip6InNoRoutes", "%llu incoming packets with no route"],
  ["Ip6InReceives", "%llu total packets received"],
  ["Ip6InTooBigErrors", "%llu with packets too big"],
  ["Ip6InTruncatedPkts", "%llu with truncated packets"],
  ["Ip6InUnknownProtos", "%llu with unknown protocol"],
  ["Ip6OutDiscards", "%llu outgoing packets dropped"],
  ["Ip6OutForwDatagrams", "%llu forwarded"],
  ["Ip6OutMcastPkts", "%llu outgoing multicast packets"],
  ["Ip6OutNoRoutes", "%llu dropped because of missing route"],
  ["Ip6OutRequests", "%llu requests sent out"],
  ["Ip6ReasmFails", "%llu packet reassemblies failed"],
  ["Ip6ReasmOKs", "%llu packets reassembled ok"],
  ["Ip6ReasmReqds", "%llu reassemblies required"],
  ["Ip6ReasmTimeout", "%llu fragments dropped after timeout"],
];

const ICMP: Entry[] = [
  ["InAddrMaskReps", "address mask replies: %llu", "in"],
  ["InAddrMasks", "address mask request: %llu", "in"],
  ["InDestUnreachs", "destination unreachable: %llu", "in"],
  ["InEchoReps", "echo replies: %llu", "in"],
  ["InEchos", "echo requests: %llu", "in"],
  ["InErrors", "%llu input ICMP message failed"],
  ["InMsgs", "%llu ICMP messages received"],
  ["InParmProbs", "wrong parameters: %llu", "in"],
  ["InRedirects", "redirects: %llu", "in"],
  ["InSrcQuenchs", "source quenches: %llu", "in"],
  ["InTimeExcds", "timeout in transit: %llu", "in"],
  ["InTimestampReps", "timestamp reply: %llu", "in"],
  ["InTimestamps", "timestamp request: %llu", "in"],
  ["OutAddrMaskReps", "address mask replies: %llu", "out"],
  ["OutAddrMasks", "address mask requests: %llu", "out"],
  ["OutDestUnreachs", "destination unreachable: %llu", "out"],
  ["OutEchoReps", "echo replies: %llu", "out"],
  ["OutEchos", "echo requests: %llu", "out"],
  ["OutErrors", "%llu ICMP messages failed"],
  ["OutMsgs", "%llu ICMP messages sent"],
  ["OutParmProbs", "wrong parameters: %llu", "out"],
  ["OutRedirects", "redirect: %llu", "out"],
  ["OutSrcQuenchs", "source quench: %llu", "out"],
  ["OutTimeExcds", "time exceeded: %llu", "out"],
  ["OutTimestampReps", "timestamp replies: %llu", "out"],
  ["OutTimestamps", "timestamp requests: %llu", "out"],
  // net-tools 1.60 / 2.0 (RHEL 7) spellings
  ["InErrors", "%llu input ICMP message failed."],
  ["InSrcQuenchs", "source quenchs: %llu", "in"],
  ["OutEchos", "echo request: %llu", "out"],
];

const ICMP6: Entry[] = [
  ["Icmp6InDestUnreachs", "destination unreachable: %llu", "in"],
  ["Icmp6InEchoReplies", "echo replies: %llu", "in"],
  ["Icmp6InEchos", "echo requests: %llu", "in"],
  ["Icmp6InErrors", "%llu input ICMP message failed"],
  ["Icmp6InGroupMembQueries", "group member queries: %llu", "in"],
  ["Icmp6InGroupMembReductions", "group member reductions: %llu", "in"],
  ["Icmp6InGroupMembResponses", "group member responses: %llu", "in"],
  ["Icmp6InMsgs", "%llu ICMP messages received"],
  ["Icmp6InNeighborAdvertisements", "neighbour advertisement: %llu", "in"],
  ["Icmp6InNeighborSolicits", "neighbour solicits: %llu", "in"],
  ["Icmp6InParmProblems", "parameter problem: %llu", "in"],
  ["Icmp6InPktTooBigs", "packets too big: %llu", "in"],
  ["Icmp6InRedirects", "redirects: %llu", "in"],
  ["Icmp6InRouterAdvertisements", "router advertisement: %llu", "in"],
  ["Icmp6InRouterSolicits", "router solicits: %llu", "in"],
  ["Icmp6InTimeExcds", "received ICMPv6 time exceeded: %llu", "in"],
  ["Icmp6OutDestUnreachs", "destination unreachable: %llu", "out"],
  ["Icmp6OutEchoReplies", "echo replies: %llu", "out"],
  ["Icmp6OutEchos", "echo requests: %llu", "out"],
  ["Icmp6OutGroupMembQueries", "group member queries: %llu", "out"],
  ["Icmp6OutGroupMembReductions", "group member reductions: %llu", "out"],
  ["Icmp6OutGroupMembResponses", "group member responses: %llu", "out"],
  ["Icmp6OutMsgs", "%llu ICMP messages sent"],
  ["Icmp6OutNeighborAdvertisements", "neighbor advertisements: %llu", "out"],
  ["Icmp6OutNeighborSolicits", "neighbor solicits: %llu", "out"],
  ["Icmp6OutParmProblems", "parameter problem: %llu", "out"],
  ["Icmp6OutPktTooBigs", "packets too big: %llu", "out"],
  ["Icmp6OutRedirects", "redirects: %llu", "out"],
  // statistics.c has a trailing space in this title ("Icmp6OutRouterAdvertisements "), so netstat never
  // finds it by name and prints the counter raw; the sentence is kept for completeness
  ["Icmp6OutRouterAdvertisements", "router advertisement: %llu", "out"],
  ["Icmp6OutRouterSolicits", "router solicits: %llu", "out"],
  ["Icmp6OutTimeExcds", "sent ICMPv6 time exceeded: %llu", "out"],
];

const TCP: Entry[] = [
  ["ActiveOpens", "%llu active connection openings"],
  ["AttemptFails", "%llu failed connection attempts"],
  ["CurrEstab", "%llu connections established"],
  ["EstabResets", "%llu connection resets received"],
  ["InErrs", "%llu bad segments received"],
  ["InSegs", "%llu segments received"],
  ["OutRsts", "%llu resets sent"],
  ["OutSegs", "%llu segments sent out"],
  ["PassiveOpens", "%llu passive connection openings"],
  ["RetransSegs", "%llu segments retransmitted"],
  // older net-tools (1.60) spellings, still common on old hosts
  ["ActiveOpens", "%llu active connections openings"],
  ["PassiveOpens", "%llu passive connection openings"],
  ["OutSegs", "%llu segments send out"],
  ["RetransSegs", "%llu segments retransmited"],
  ["InErrs", "%llu bad segments received."],
];

const UDP: Entry[] = [
  ["InDatagrams", "%llu packets received"],
  ["InErrors", "%llu packet receive errors"],
  ["NoPorts", "%llu packets to unknown port received"],
  ["OutDatagrams", "%llu packets sent"],
  ["RcvbufErrors", "%llu receive buffer errors"],
  ["SndbufErrors", "%llu send buffer errors"],
  ["NoPorts", "%llu packets to unknown port received."],
  ["OutDatagrams", "%llu packets send"],
];

const UDP6: Entry[] = [
  ["Udp6InDatagrams", "%llu packets received"],
  ["Udp6InErrors", "%llu packet receive errors"],
  ["Udp6NoPorts", "%llu packets to unknown port received"],
  ["Udp6OutDatagrams", "%llu packets sent"],
];

const TCPEXT: Entry[] = [
  ["DelayedACKLocked", "%llu delayed acks further delayed because of locked socket"],
  ["DelayedACKLost", "Quick ack mode was activated %llu times"],
  ["DelayedACKs", "%llu delayed acks sent"],
  ["EmbryonicRsts", "%llu resets received for embryonic SYN_RECV sockets"],
  ["ListenDrops", "%llu SYNs to LISTEN sockets dropped"],
  ["ListenOverflows", "%llu times the listen queue of a socket overflowed"],
  ["LockDroppedIcmps", "%llu ICMP packets dropped because socket was locked"],
  ["OfoPruned", "%llu packets dropped from out-of-order queue because of socket buffer overrun"],
  ["OutOfWindowIcmps", "%llu ICMP packets dropped because they were out-of-window"],
  ["PAWSActive", "%llu active connections rejected because of time stamp"],
  ["PAWSEstab", "%llu packetes rejected in established connections because of timestamp"],
  ["PAWSPassive", "%llu passive connections rejected because of time stamp"],
  ["PruneCalled", "%llu packets pruned from receive queue because of socket buffer overrun"],
  ["RcvPruned", "%llu packets pruned from receive queue"],
  ["SockMallocOOM", "Ran %llu times out of system memory during packet sending"],
  ["SyncookiesFailed", "%llu invalid SYN cookies received"],
  ["SyncookiesRecv", "%llu SYN cookies received"],
  ["SyncookiesSent", "%llu SYN cookies sent"],
  ["TCPAbortFailed", "%llu times unable to send RST due to no memory"],
  ["TCPAbortOnClose", "%llu connections reset due to early user close"],
  ["TCPAbortOnData", "%llu connections reset due to unexpected data"],
  ["TCPAbortOnLinger", "%llu connections aborted after user close in linger timeout"],
  ["TCPAbortOnMemory", "%llu connections aborted due to memory pressure"],
  ["TCPAbortOnSyn", "%llu connections reset due to unexpected SYN"],
  ["TCPAbortOnTimeout", "%llu connections aborted due to timeout"],
  ["TCPDirectCopyFromBacklog", "%llu bytes directly in process context from backlog"],
  ["TCPDirectCopyFromPrequeue", "%llu bytes directly received in process context from prequeue"],
  ["TCPDSACKOfoRecv", "%llu DSACKs for out of order packets received"],
  ["TCPDSACKOfoSent", "%llu DSACKs sent for out of order packets"],
  ["TCPDSACKOldSent", "%llu DSACKs sent for old packets"],
  ["TCPDSACKRecv", "%llu DSACKs received"],
  ["TCPDSackUndo", "%llu congestion window recovered without slow start using DSACK"],
  ["TCPDSACKUndo", "%llu congestion windows recovered without slow start by DSACK"],
  ["TCPFACKReorder", "Detected reordering %llu times using FACK"],
  ["TCPFastRetrans", "%llu fast retransmits"],
  ["TCPForwardRetrans", "%llu forward retransmits"],
  ["TCPFullUndo", "%llu congestion windows fully recovered without slow start"],
  ["TCPHPAcks", "%llu predicted acknowledgments"],
  ["TCPHPHits", "%llu packet headers predicted"],
  ["TCPHPHitsToUser", "%llu packet headers predicted and directly queued to user"],
  ["TCPLossFailures", "%llu timeouts in loss state"],
  ["TCPLoss", "%llu TCP data loss events"],
  ["TCPLossUndo", "%llu congestion windows recovered without slow start after partial ack"],
  ["TCPLostRetransmits", "%llu retransmits lost"],
  ["TCPMemoryPressures", "TCP ran low on memory %llu times"],
  ["TCPPartialUndo", "%llu congestion windows partially recovered using Hoe heuristic"],
  ["TCPPrequeued", "%llu packets directly queued to recvmsg prequeue"],
  ["TCPPrequeueDropped", "%llu packets dropped from prequeue"],
  ["TCPPureAcks", "%llu acknowledgments not containing data payload received"],
  ["TCPRcvCollapsed", "%llu packets collapsed in receive queue due to low socket buffer"],
  ["TCPRenoFailures", "%llu timeouts after reno fast retransmit"],
  ["TCPRenoRecoveryFailed", "%llu reno fast retransmits failed"],
  ["TCPRenoRecoveryFail", "%llu classic Reno fast retransmits failed"],
  ["TCPRenoRecovery", "%llu times recovered from packet loss due to fast retransmit"],
  ["TCPRenoReorder", "Detected reordering %llu times using reno fast retransmit"],
  ["TCPSackFailures", "%llu timeouts after SACK recovery"],
  ["TCPSackRecoveryFail", "%llu SACK retransmits failed"],
  ["TCPSackRecovery", "%llu times recovered from packet loss by selective acknowledgements"],
  ["TCPSACKReneging", "%llu bad SACK blocks received"],
  ["TCPSACKReorder", "Detected reordering %llu times using SACK"],
  ["TCPSchedulerFailed", "%llu times receiver scheduled too late for direct processing"],
  ["TCPSlowStartRetrans", "%llu retransmits in slow start"],
  ["TCPTimeouts", "%llu other TCP timeouts"],
  ["TCPTSReorder", "Detected reordering %llu times using time stamp"],
  ["TWKilled", "%llu TCP sockets finished time wait in slow timer"],
  ["TW", "%llu TCP sockets finished time wait in fast timer"],
  ["TWRecycled", "%llu time wait sockets recycled by time stamp"],
  // net-tools 1.60 spelling of ListenDrops
  ["ListenDrops", "%llu SYNs to LISTEN sockets ignored"],
  // net-tools 2.0 (RHEL 7) spellings
  ["PAWSEstab", "%llu packets rejects in established connections because of timestamp"],
  ["TCPPrequeued", "%llu packets directly queued to recvmsg prequeue."],
  ["TCPHPHitsToUser", "%llu packets header predicted and directly queued to user"],
];

const SCTP: Entry[] = [
  ["SctpAborteds", "%llu Number of Aborteds "],
  ["SctpActiveEstabs", "%llu Active Associations"],
  ["SctpChecksumErrors", "%llu Number of Packets with invalid Checksum"],
  ["SctpCurrEstab", "%llu Current Associations"],
  ["SctpFragUsrMsgs", "%llu Number of messages fragmented"],
  ["SctpInCtrlChunks", "%llu Number of control chunks received"],
  ["SctpInOrderChunks", "%llu Number of ordered chunks received"],
  ["SctpInSCTPPacks", "%llu Number of SCTP packets received"],
  ["SctpInUnorderChunks", "%llu Number of Unordered chunks received"],
  ["SctpOutCtrlChunks", "%llu Number of control chunks sent"],
  ["SctpOutOfBlues", "%llu Number of Out of Blue packets"],
  ["SctpOutOrderChunks", "%llu Number of ordered chunks sent"],
  ["SctpOutSCTPPacks", "%llu Number of SCTP packets sent"],
  ["SctpOutUnorderChunks", "%llu Number of Unordered chunks sent"],
  ["SctpPassiveEstabs", "%llu Passive Associations"],
  ["SctpReasmUsrMsgs", "%llu Number of messages reassembled "],
  ["SctpShutdowns", "%llu Number of Graceful Terminations"],
];

/** Section title as printed → its table; snmp6 names already carry their prefix (Ip6InReceives). */
const TABLES: Record<string, Entry[]> = {
  Ip: IP, Icmp: ICMP, Tcp: TCP, Udp: UDP, TcpExt: TCPEXT, Sctp: SCTP, Ip6: IP6, Icmp6: ICMP6, Udp6: UDP6,
  Tcp6: TCP,
};

/**
 * Every counter name a section's table knows and hides when 0, for reading a missing sentence as 0.
 * DefaultTTL is a static entry netstat only prints with a flag, so its absence says nothing.
 */
export const NETSTAT_S_TABLE_FIELDS: Record<string, string[]> = Object.fromEntries(
  Object.entries(TABLES).map(([s, t]) => [s, [...new Set(t.map((e) => e[0]).filter((n) => n !== "DefaultTTL"))]]),
);

const SECTION_TITLES = new Set([
  "Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "MPTcpExt", "Sctp", "Ip6", "Icmp6",
  "Udp6", "UdpLite6", "Tcp6", "TcpExtTLS",
]);

/** Key of a sentence with its number cut out: "times the listen queue…" with prefix "" and that suffix. */
function key(prefix: string, suffix: string, hist: string): string {
  return `${hist}\u0000${prefix}\u0000${suffix}`;
}

/** sentence key → counter name, and the sentences' suffixes (text after the number) to turn most lines away cheaply */
type Lookup = { names: Map<string, string>; suffixes: Set<string> };
const LOOKUPS: Record<string, Lookup> = {};
for (const [section, table] of Object.entries(TABLES)) {
  const m: Lookup = { names: new Map(), suffixes: new Set() };
  for (const [name, tpl, hist] of table) {
    const at = tpl.indexOf("%llu");
    if (at < 0) continue;
    // netstat prints with a leading indent and no trailing space; compare on trimmed text
    m.names.set(key(tpl.slice(0, at).trimStart(), tpl.slice(at + 4).trimEnd(), hist ?? ""), name);
    m.suffixes.add(tpl.slice(at + 4).trimEnd());
  }
  LOOKUPS[section] = m;
}

/**
 * Finds the sentence's counter by trying each run of digits in the line as the %llu. A run whose suffix ends
 * no sentence of the section is passed over before the key is built (sniffing every uploaded file runs this on
 * each line for six sections: building the keys was most of recognise's time, found by npm run fuzz).
 */
function matchSentence(lookup: Lookup, text: string, hist: string): { name: string; value: number } | undefined {
  const re = /\d+/g;
  let m: RegExpExecArray | null;
  let tries = 0;
  while ((m = re.exec(text)) !== null && tries++ < 8) {
    const suffix = text.slice(m.index + m[0].length);
    if (!lookup.suffixes.has(suffix)) continue;
    const name = lookup.names.get(key(text.slice(0, m.index), suffix, hist));
    if (name) return { name, value: Number(m[0]) };
  }
  return undefined;
}

const RAW = /^([A-Za-z][A-Za-z0-9_]*): (\d+)$/;
const TITLE = /^([A-Za-z][A-Za-z0-9]*):$/;

/** sections tried, in this order, for a sentence without its section header (`netstat -s | grep …`) */
const HEADERLESS_ORDER = ["TcpExt", "Tcp", "Ip", "Icmp", "Udp", "Sctp"];

/** every suffix of the headerless sections: a line none of whose (first 8) numbers is followed by one is no sentence */
const HEADERLESS_SUFFIXES = new Set(HEADERLESS_ORDER.flatMap((s) => [...LOOKUPS[s]!.suffixes]));

function anyHeaderlessSuffix(text: string): boolean {
  const re = /\d+/g;
  let m: RegExpExecArray | null;
  let tries = 0;
  while ((m = re.exec(text)) !== null && tries++ < 8) if (HEADERLESS_SUFFIXES.has(text.slice(m.index + m[0].length))) return true;
  return false;
}

function headerlessMatch(text: string): { section: string; name: string; value: number } | undefined {
  if (anyHeaderlessSuffix(text)) for (const sec of HEADERLESS_ORDER) {
    const hit = matchSentence(LOOKUPS[sec]!, text, "");
    if (hit) return { section: sec, ...hit };
  }
  const r = RAW.exec(text);
  // raw counters netstat prints for fields it has no sentence for are all TcpExt/IpExt names
  if (r && /^(TCP|TW|Listen|PAWS|Syncookies|Embryonic|IPReversePathFilter|Busy|InNoRoutes|InTruncated|InOctets|OutOctets|InNoECTPkts)/.test(r[1])) {
    return { section: /^(InNoRoutes|InTruncated|InOctets|OutOctets|InNoECTPkts)/.test(r[1]) ? "IpExt" : "TcpExt", name: r[1], value: Number(r[2]) };
  }
  return undefined;
}

function sniff(head: string): number {
  const lines = headLines(head, 60);
  if (lines.length === 0) return 0;
  if (!lines.some((l) => TITLE.test(l) && SECTION_TITLES.has(TITLE.exec(l)![1]))) {
    // filtered output (`netstat -s | grep -E 'overflow|drop'`): known sentences without their sections
    let known = 0;
    for (const l of lines) if (headerlessMatch(l.trim())) known++;
    return known > 0 && known >= lines.length * 0.6 ? Math.min(0.85, 0.5 + 0.1 * known) : 0;
  }
  let titles = 0;
  let indented = 0;
  let sentences = 0;
  for (const l of lines) {
    const t = TITLE.exec(l);
    if (t && SECTION_TITLES.has(t[1])) titles++;
    else if (/^ {4}/.test(l)) {
      indented++;
      if (/\d/.test(l)) sentences++;
    }
  }
  if (titles === 0 || titles + indented < lines.length * 0.8) return 0;
  const first = TITLE.exec(lines[0]);
  return Math.min(1, 0.5 + (first && SECTION_TITLES.has(first[1]) ? 0.3 : 0) + (sentences > 2 ? 0.15 : 0));
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  const sectionsSeen: Array<{ section: string; line: number }> = [];
  let section: string | undefined;
  let hist = "";
  let n = 0;
  let headerless = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const raw = lines[i];
    const lineNo = i + 1;
    const text = raw.trim();
    if (text === "") continue;
    const title = /^\S/.test(raw) ? TITLE.exec(text) : null;
    if (title) {
      section = title[1];
      hist = "";
      sectionsSeen.push({ section, line: lineNo });
      if (!SECTION_TITLES.has(section)) warnings.push({ line: lineNo, message: `unknown netstat -s section ${section}` });
      continue;
    }
    if (!section) {
      const hit = headerlessMatch(text);
      if (hit) {
        // a sentence without its section (grep'd output): no hidden zeros can be inferred for it
        counters[`${hit.section}.${hit.name}`] = { value: hit.value, line: lineNo };
        n++;
        headerless++;
        continue;
      }
      warnings.push({ line: lineNo, message: `line before any section: ${text.slice(0, 120)}` });
      continue;
    }
    if (text === "ICMP input histogram:") {
      hist = "in";
      continue;
    }
    if (text === "ICMP output histogram:") {
      hist = "out";
      continue;
    }
    const r = RAW.exec(text);
    if (r) {
      // snmp6 raw names already carry their section (Icmp6OutRouterAdvertisements)
      const name = /^(Ip6|Icmp6|Udp6|UdpLite6)$/.test(section) && r[1].startsWith(section) ? r[1].slice(section.length) : r[1];
      counters[`${section}.${name}`] = { value: Number(r[2]), line: lineNo };
      n++;
      continue;
    }
    const lookup = LOOKUPS[section];
    // inside a histogram, plain sentences ("3 ICMP messages sent") still follow: try both
    const hit = !lookup ? undefined
      : (hist !== "" ? matchSentence(lookup, text, hist) : undefined) ?? matchSentence(lookup, text, "");
    if (hit) {
      const name = /^(Ip6|Icmp6|Udp6)$/.test(section) && hit.name.startsWith(section) ? hit.name.slice(section.length) : hit.name;
      counters[`${section}.${name}`] = { value: hit.value, line: lineNo };
      n++;
      continue;
    }
    if (/^Forwarding is (enabled|disabled)$/.test(text) || /^RTO algorithm is /.test(text)) continue;
    warnings.push({ line: lineNo, message: `unknown ${section} sentence: ${text.slice(0, 120)}` });
  }
  if (sectionsSeen.length === 0 && headerless > 0) return ok({ counters }, warnings);
  if (sectionsSeen.length === 0 || n === 0 && sectionsSeen.length < 2) return fail("netstat -s: no section with counters");
  for (const { section: s, line } of sectionsSeen) {
    const fieldsOf = NETSTAT_S_TABLE_FIELDS[s];
    if (!fieldsOf) continue;
    for (const f of fieldsOf) {
      const name = /^(Ip6|Icmp6|Udp6)$/.test(s) && f.startsWith(s) ? f.slice(s.length) : f;
      const k = `${s}.${name}`;
      if (counters[k] === undefined) counters[k] = { value: 0, line };
    }
  }
  return ok({ counters }, warnings);
}

export const netstatSParser: TextParser = {
  kind: "netstat-s",
  sniff: guardedSniff(sniff),
  parse: guarded("netstat-s", parse),
};
