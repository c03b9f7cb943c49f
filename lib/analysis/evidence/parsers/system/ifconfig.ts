/**
 * net-tools `ifconfig [-a]`, both layouts:
 *   2.x:  `veth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500` / `inet 10.0.0.1  netmask 255.255.255.0`
 *   1.60: `eth0      Link encap:Ethernet  HWaddr …` / `inet addr:10.0.0.1  Bcast:…  Mask:255.255.255.0` /
 *         `UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1`
 * The contract has no ifconfig kind; the facts are those of `ip addr` (interfaces with MTU, addresses), so the
 * file is reported as kind "ip-addr". RX/TX error and drop counts use /proc/net/dev's names
 * (`Dev.eth0.rx_drop`, `Dev.eth0.tx_errs`…), which is where ifconfig reads them.
 */
import type { CounterReading, FileFacts, TextParser, Warning } from "../../parser";
import { kindFromName } from "./ipLink";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

type Iface = NonNullable<FileFacts["interfaces"]>[number];
type Addr = NonNullable<FileFacts["addresses"]>[number];

const NEW_HEAD = /^([^\s:]+(?::\d+)?): flags=\d+<([^>]*)>\s+mtu (\d+)/;
const OLD_HEAD = /^(\S+)\s+Link encap:(.*)$/;

function maskToPrefix(mask: string): number | undefined {
  const parts = mask.split(".");
  if (parts.length !== 4) return undefined;
  let bits = 0;
  let seenZero = false;
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
    for (let b = 7; b >= 0; b--) {
      if (n & (1 << b)) {
        if (seenZero) return undefined;
        bits++;
      } else seenZero = true;
    }
  }
  return bits;
}

/** `RX errors 0  dropped 0  overruns 0  frame 0` → rx_errs, rx_drop, rx_fifo, rx_frame (proc/net/dev names) */
const STAT_NAMES: Record<string, string> = {
  packets: "packets", bytes: "bytes", errors: "errs", dropped: "drop", overruns: "fifo", frame: "frame",
  carrier: "carrier", collisions: "colls",
};

function sniff(head: string): number {
  const lines = headLines(head, 40);
  if (lines.length === 0) return 0;
  const first = lines[0];
  if (NEW_HEAD.test(first)) return lines.some((l) => /^\s+(inet|ether|loop|RX packets)\b/.test(l)) ? 0.93 : 0.7;
  if (OLD_HEAD.test(first)) return 0.9;
  return 0;
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const interfaces: Iface[] = [];
  const addresses: Addr[] = [];
  const counters: CounterReading = {};
  let cur: Iface | undefined;
  let flags: string[] = [];
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    let m = NEW_HEAD.exec(l);
    if (m) {
      flags = m[2].split(",");
      cur = {
        name: m[1], kind: kindFromName(m[1], flags.includes("LOOPBACK") ? "loopback" : undefined, undefined, flags),
        mtu: Number(m[3]), state: flags.includes("UP") ? (flags.includes("RUNNING") ? "UP" : "UP NO-CARRIER") : "DOWN",
        line: lineNo,
      };
      interfaces.push(cur);
      continue;
    }
    m = OLD_HEAD.exec(l);
    if (m) {
      const loop = /Local Loopback/.test(m[2]);
      cur = { name: m[1], kind: kindFromName(m[1], loop ? "loopback" : undefined, undefined, []), mtu: 0, line: lineNo };
      const hw = /HWaddr ([0-9A-Fa-f:]{17})/.exec(m[2]);
      if (hw) cur.mac = hw[1].toLowerCase();
      interfaces.push(cur);
      continue;
    }
    if (!cur || !/^\s/.test(l)) {
      warnings.push({ line: lineNo, message: `not an ifconfig line: ${l.slice(0, 120)}` });
      continue;
    }
    const t = l.trim();
    const w = t.split(/\s+/);
    if (w[0] === "inet" && w[1] && !w[1].startsWith("addr:")) {
      const mask = w.indexOf("netmask");
      const prefixLen = mask >= 0 ? maskToPrefix(w[mask + 1] ?? "") : 32;
      if (prefixLen !== undefined) addresses.push({ ifname: cur.name, family: "inet", address: w[1], prefixLen, line: lineNo });
      continue;
    }
    if (w[0] === "inet6" && w[1] && !w[1].startsWith("addr:")) {
      const pl = w.indexOf("prefixlen");
      const prefixLen = pl >= 0 ? Number(w[pl + 1]) : 128;
      if (Number.isInteger(prefixLen)) addresses.push({ ifname: cur.name, family: "inet6", address: w[1], prefixLen, line: lineNo });
      continue;
    }
    let o = /^inet addr:(\S+)(?:.*Mask:(\S+))?/.exec(t);
    if (o) {
      const prefixLen = o[2] ? maskToPrefix(o[2]) : 32;
      if (prefixLen !== undefined) addresses.push({ ifname: cur.name, family: "inet", address: o[1], prefixLen, line: lineNo });
      continue;
    }
    o = /^inet6 addr: ?([0-9a-fA-F:]+)\/(\d+)/.exec(t);
    if (o) {
      addresses.push({ ifname: cur.name, family: "inet6", address: o[1], prefixLen: Number(o[2]), line: lineNo });
      continue;
    }
    if (w[0] === "ether" && w[1]) {
      cur.mac = w[1];
      continue;
    }
    o = /\bMTU:(\d+)/.exec(t);
    if (o) {
      cur.mtu = Number(o[1]);
      const up = /\bUP\b/.test(t);
      cur.state = up ? (/\bRUNNING\b/.test(t) ? "UP" : "UP NO-CARRIER") : "DOWN";
      continue;
    }
    if (w[0] === "RX" || w[0] === "TX") {
      let dir = w[0] === "RX" ? "rx" : "tx";
      // 2.x: `RX packets 23  bytes 2060 (2.0 KiB)`; 1.60: `RX packets:23 errors:0 dropped:0 overruns:0 frame:0`
      // and `RX bytes:2060 (2.0 KiB)  TX bytes:8086 (7.8 KiB)` (both directions on one line)
      for (let k = 1; k < w.length; k++) {
        if (w[k] === "RX" || w[k] === "TX") {
          dir = w[k] === "RX" ? "rx" : "tx";
          continue;
        }
        const colon = /^([a-z]+):(\d+)$/.exec(w[k]);
        const [name, val] = colon ? [colon[1], colon[2]] : [w[k], w[k + 1]];
        const mapped = STAT_NAMES[name];
        if (mapped && val !== undefined && /^\d+$/.test(val)) {
          counters[`Dev.${cur.name}.${dir}_${mapped}`] = { value: Number(val), line: lineNo };
          if (!colon) k++;
        }
      }
      continue;
    }
    if (/^(loop|unspec|collisions:|txqueuelen|Interrupt|Memory|device|UP |BROADCAST|RUNNING)/.test(t)) continue;
    warnings.push({ line: lineNo, message: `not understood: ${t.slice(0, 120)}` });
  }
  if (interfaces.length === 0) return fail("ifconfig: no interface block");
  return ok({ interfaces, addresses, counters }, warnings);
}

export const ifconfigParser: TextParser = {
  kind: "ip-addr",
  sniff: guardedSniff(sniff),
  parse: guarded("ifconfig", parse),
};
