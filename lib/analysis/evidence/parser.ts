/**
 * The shape every text parser has. A parser recognises a file by its content (sniff) and turns it into
 * facts (parse). The bundle reader picks the best-scoring parser for each file and merges the facts of
 * all of a host's files into one HostEvidence (lib/analysis/evidence/merge.ts), computing counter deltas
 * where two readings of the same counters exist.
 */
import type {
  AccessLogEntry, Address, ConntrackEntry, EvidenceKind, Interface, Latency, Listener, LogEvent, NatRule, Route, Socket,
} from "./model";
import type { Packet } from "../capture/packet";

export type Warning = { line?: number; message: string };

/** One counter reading: "TcpExt.ListenOverflows" -> value and the line it was read on. */
export type CounterReading = Record<string, { value: number; line?: number }>;

/**
 * Facts found in one file. Every fact carries its 1-based line (the file name is added by the merger).
 * All fields optional: a parser fills what its format holds.
 */
export type FileFacts = {
  kernel?: { value: string; line?: number };
  sysctls?: Record<string, { value: string; line?: number }>;
  /** a snapshot of counters; two snapshots of the same counter on one host give a delta */
  counters?: CounterReading;
  /** when the snapshot was taken, if the file says (ISO time) */
  takenAt?: string;
  interfaces?: Array<Omit<Interface, "cite"> & { line?: number }>;
  addresses?: Array<Omit<Address, "cite"> & { line?: number }>;
  routes?: Array<Omit<Route, "cite"> & { line?: number }>;
  listeners?: Array<Omit<Listener, "cite"> & { line?: number }>;
  sockets?: Array<Omit<Socket, "cite"> & { line?: number }>;
  socketStates?: Record<string, number>;
  conntrack?: {
    count?: { value: number; line?: number };
    max?: { value: number; line?: number };
    stats?: Record<string, { value: number; line?: number }>;
  };
  rules?: Array<Omit<NatRule, "cite"> & { line?: number }>;
  conntrackEntries?: Array<Omit<ConntrackEntry, "cite"> & { line?: number }>;
  logEvents?: Array<Omit<LogEvent, "cite"> & { line?: number }>;
  accessLog?: Array<Omit<AccessLogEntry, "cite"> & { line?: number }>;
  latencies?: Array<Omit<Latency, "cite"> & { line?: number }>;
  kubernetes?: {
    version?: { value: string; line?: number };
    nodePortRange?: { value: [number, number]; line?: number };
    nodePorts?: Array<{ value: number; line?: number }>;
    proxyMode?: { value: string; line?: number };
  };
  /** tcpdump text output: packets for the capture engine (Packet.index = line number) */
  packets?: Packet[];
};

export type ParseOutcome =
  | { status: "success"; data: FileFacts; warnings: Warning[] }
  | { status: "failed"; error: string };

export interface TextParser {
  kind: EvidenceKind;
  /**
   * How sure the parser is that this text is its format, 0..1, looking only at the first few KB
   * (`head`). Must be cheap and never throw. The file name is a hint only (it may raise a tie, never decide).
   */
  sniff(head: string, name: string): number;
  /** Never throws: bad input gives `failed` or warnings. Linear in the input size. */
  parse(text: string): ParseOutcome;
  /**
   * Optional: parse knowing the file name, for the few formats whose meaning the content alone cannot give
   * (a bare number in nf_conntrack_count vs nf_conntrack_max; sysctl.conf wanted values vs `sysctl -a` live
   * ones). Callers that have the name should prefer it when present. Same guarantees as parse.
   */
  parseNamed?(text: string, name: string): ParseOutcome;
}
