/**
 * `sysctl -a` / `sysctl key` output (`net.core.somaxconn = 4096`) and /proc/sys trees.
 *
 * Values are kept as printed with whitespace collapsed, because some are vectors printed with tabs
 * (net.ipv4.ip_local_port_range = "32768\t60999") and rules compare them as "32768 60999".
 *
 * A sysctl.conf / sysctl.d file looks the same but says what someone WANTED at boot, not what the kernel
 * runs with; mixing the two would let a diagnosis cite a value that was never applied. Such files are
 * recognised (kind "sysctl") but their values are skipped with a warning.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { baseName, fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/*:+@]*$/;

/** The key side of `key = value`; the sniffer and parse's first pass need no value. */
function assignmentKey(line: string): { key: string; eq: number; spaced: boolean } | undefined {
  const eq = line.indexOf("=");
  if (eq <= 0) return undefined;
  const rawKey = line.slice(0, eq);
  const key = rawKey.trim();
  if (!KEY.test(key) || !key.includes(".") && !key.includes("/")) return undefined;
  return { key, eq, spaced: rawKey.endsWith(" ") };
}

function splitAssignment(line: string): { key: string; value: string; spaced: boolean } | undefined {
  const k = assignmentKey(line);
  if (!k) return undefined;
  const raw = line.slice(k.eq + 1);
  // whitespace runs collapse to one space; most values ("0", "4096 87380 6291456") have none to collapse
  const value = /\s\s|[^\S ]/.test(raw) ? raw.replace(/\s+/g, " ").trim() : raw.trim();
  return { key: k.key, value, spaced: k.spaced };
}

function isConfigName(name: string): boolean {
  const n = name.toLowerCase();
  return /sysctl\.conf$/.test(n) || /sysctl\.d[\\/]/.test(n) || /\.conf$/.test(n);
}

const DIAG = /^sysctl: /;

function sniff(head: string, name: string): number {
  const lines = headLines(head, 80);
  let good = 0;
  let diag = 0;
  let comments = 0;
  for (const l of lines) {
    if (DIAG.test(l)) diag++;
    else if (/^\s*[#;]/.test(l)) comments++;
    else if (assignmentKey(l)) good++;
  }
  const counted = lines.length - comments;
  if (good === 0 || counted <= 0) return 0;
  const frac = (good + diag) / counted;
  if (frac < 0.6) return 0;
  const base = baseName(name);
  const hint = /sysctl/.test(base) ? 0.05 : 0;
  return Math.min(1, 0.8 * frac + hint + (good >= 3 ? 0.1 : 0));
}

function parse(text: string, name = ""): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const sysctls: NonNullable<FileFacts["sysctls"]> = {};
  const start = firstContentLine(lines);
  let unspaced = 0;
  let assignments = 0;
  let laterComments = 0;
  for (let i = start; i < lines.length; i++) {
    const l = lines[i];
    if (/^\s*[#;]/.test(l)) laterComments++;
    else {
      const a = assignmentKey(l.replace(/^-/, ""));
      if (a) {
        assignments++;
        if (!a.spaced) unspaced++;
      }
    }
  }
  if (assignments === 0) return fail("sysctl: no `key = value` line");
  const config = isConfigName(name) || laterComments > 0 || unspaced > assignments / 2;
  if (config) {
    warnings.push({ message: "looks like a sysctl configuration file (sysctl.conf/sysctl.d): values are not live, skipped" });
    return ok({}, warnings);
  }
  for (let i = start; i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    if (DIAG.test(l)) {
      warnings.push({ line: lineNo, message: l.trim() });
      continue;
    }
    const a = splitAssignment(l);
    if (!a) {
      warnings.push({ line: lineNo, message: `not a sysctl line: ${l.slice(0, 120)}` });
      continue;
    }
    // multi-line values (dev.cdrom.info) repeat the key: the first line is the value, the rest is detail
    if (sysctls[a.key] === undefined) sysctls[a.key] = { value: a.value, line: lineNo };
  }
  const facts: FileFacts = { sysctls };
  const count = sysctls["net.netfilter.nf_conntrack_count"];
  const max = sysctls["net.netfilter.nf_conntrack_max"] ?? sysctls["net.nf_conntrack_max"];
  const conntrack: NonNullable<FileFacts["conntrack"]> = {};
  if (count && /^\d+$/.test(count.value)) conntrack.count = { value: Number(count.value), line: count.line };
  if (max && /^\d+$/.test(max.value)) conntrack.max = { value: Number(max.value), line: max.line };
  if (conntrack.count || conntrack.max) facts.conntrack = conntrack;
  return ok(facts, warnings);
}

export const sysctlParser: TextParser & { parseNamed(text: string, name: string): ReturnType<TextParser["parse"]> } = {
  kind: "sysctl",
  sniff: guardedSniff(sniff),
  parse: guarded("sysctl", (t) => parse(t)),
  /** parse with the file name, so sysctl.conf files named as such are not taken for live values */
  parseNamed: (text: string, name: string) => guarded("sysctl", (t) => parse(t, name))(text),
};

/**
 * One /proc/sys file as a sysctl line: `proc/sys/net/ipv4/tcp_syncookies` + "1\n" →
 * `{ key: "net.ipv4.tcp_syncookies", value: "1", line: "net.ipv4.tcp_syncookies = 1" }`.
 * A dot inside a path segment (eth0.100) is printed as "/" by sysctl, and so here.
 * Returns undefined when the path has no `sys/` component.
 */
export function sysctlFromProcSysPath(
  path: string, content: string,
): { key: string; value: string; line: string } | undefined {
  if (typeof path !== "string" || typeof content !== "string") return undefined;
  const parts = path.split(/[\\/]/).filter((p) => p !== "");
  // prefer ".../proc/sys/..."; else the first "sys" segment (a bundle may drop the "proc" level)
  let at = -1;
  for (let i = 1; i < parts.length - 1; i++) if (parts[i] === "sys" && parts[i - 1] === "proc") at = i;
  if (at < 0) at = parts.indexOf("sys");
  if (at < 0 || at >= parts.length - 1) return undefined;
  const key = parts.slice(at + 1).map((p) => p.replace(/\./g, "/")).join(".");
  const value = content.replace(/\s+/g, " ").trim();
  return { key, value, line: `${key} = ${value}` };
}
