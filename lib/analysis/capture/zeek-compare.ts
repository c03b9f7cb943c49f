/**
 * Compares capture summaries with Zeek's conn.log, as ../shared/corpus/zeek/compare.py does (same parsing,
 * same matching, same fields), in process: zeek.test.ts runs it on every case of that corpus. Pure: the
 * caller reads the files.
 *
 * Matching: Zeek's test baselines blank out start times, so flows are paired on (protocol, unordered pair of
 * endpoints); when several share that key, the pairing that agrees on the most fields wins (exhaustive up to
 * 7 per key, greedy above). Orientation is a field of its own; packets and bytes are compared after aligning
 * our sides to Zeek's.
 */
import type { CaptureSummary, FlowSummary } from "./model";
import { v6WordsFromString } from "./decode";

export type ZeekRow = Record<string, string> & { _encap?: string };

/** the fields compared, in compare.py's order */
export const FIELDS = ["orientation", "conn_state", "history", "orig_pkts", "resp_pkts", "orig_bytes", "resp_bytes", "duration", "tunnel"] as const;
export type Field = (typeof FIELDS)[number] | "history_aligned";

/** one field of one pair: agree (true/false) or not comparable (null), and both values as text */
export type Cmp = { ok: boolean | null; zeek: string; nm: string };
export type Pair = { zeek: ZeekRow; nm: FlowSummary; cmp: Partial<Record<Field, Cmp>> };
export type CaseResult = { fields: string[]; pairs: Pair[]; zeekOnly: ZeekRow[]; nmOnly: FlowSummary[] };

/** canonical text of an address (IPv6 compressed as Node prints it), so both sides compare */
export function normAddr(a: string): string {
  if (!a.includes(":")) return a;
  const w = new Int32Array(8);
  if (!v6WordsFromString(a, w, 0)) return a;
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) groups.push(((w[i] >>> 16) & 0xffff).toString(16), (w[i] & 0xffff).toString(16));
  // the longest run of two or more zero groups becomes ::
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

function parseTable(text: string): { fields: string[]; rows: ZeekRow[] } {
  let fields: string[] | undefined;
  const rows: ZeekRow[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("### BTest") || !line.trim()) continue;
    if (line.startsWith("#fields")) {
      fields = line.split("\t").slice(1);
      continue;
    }
    if (line.startsWith("#")) continue;
    const parts = line.split("\t");
    if (!fields) {
      fields = parts;
      continue;
    }
    const row: ZeekRow = {};
    fields.forEach((k, i) => (row[k] = parts[i]));
    rows.push(row);
  }
  return { fields: fields ?? [], rows };
}

const CONN_ID = /orig_h=([^,]+), orig_p=(\d+)\/(\w+), resp_h=([^,]+), resp_p=(\d+)\/(\w+)/;
const ENCAP = /cid=\[orig_h=([^,]+), orig_p=[^,]+, resp_h=([^,]+),/g;

/** a baseline in conn.log vocabulary, whatever its shape (manifest.json `kind`) */
export function parseBaseline(kind: string, text: string): { fields: string[]; rows: ZeekRow[] } {
  if (kind === "connlog" || kind === "cut") return parseTable(text);
  const lines = text.split("\n").filter((l) => l.trim() && !l.startsWith("### BTest"));
  if (kind.startsWith("hist-state-line:")) {
    const [hist, state] = lines[Number(kind.split(":")[1]) - 1].split(",").map((x) => x.trim());
    return { fields: ["history", "conn_state"], rows: [{ history: hist, conn_state: state, proto: "tcp" }] };
  }
  if (kind.startsWith("ids-block:") || kind === "ids-all") {
    let blocks: Array<{ head: string; lines: string[] }> = [];
    let cur: { head: string; lines: string[] } | undefined;
    for (const l of lines) {
      if (l.startsWith("new_connection") || l.startsWith("tunnel_changed")) {
        cur = { head: l, lines: [] };
        blocks.push(cur);
      } else if (cur) cur.lines.push(l);
      else blocks.push({ head: "", lines: [l] });
    }
    if (kind.startsWith("ids-block:")) blocks = [blocks.filter((b) => b.head.startsWith("new_connection"))[Number(kind.split(":")[1]) - 1]];
    const rows: ZeekRow[] = [];
    for (const b of blocks) {
      const body = b.lines.join("\n");
      const m = CONN_ID.exec(body);
      if (!m) continue;
      const row: ZeekRow = { "id.orig_h": m[1], "id.orig_p": m[2], proto: m[3], "id.resp_h": m[4], "id.resp_p": m[5] };
      if (body.includes("encap:")) {
        const enc = [...body.split("encap:")[1].matchAll(ENCAP)].map((e) => [e[1], e[2]]);
        if (enc.length > 0) row._encap = JSON.stringify(enc);
      }
      rows.push(row);
    }
    return { fields: ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"], rows };
  }
  throw new Error(`unknown baseline kind ${kind}`);
}

const zkey = (r: ZeekRow) => `${r.proto ?? "?"} ${[`${normAddr(r["id.orig_h"])}|${Number(r["id.orig_p"])}`, `${normAddr(r["id.resp_h"])}|${Number(r["id.resp_p"])}`].sort().join(" ")}`;
const nkey = (f: FlowSummary) => `${f.proto} ${[`${normAddr(f.orig.addr)}|${f.orig.port}`, `${normAddr(f.resp.addr)}|${f.resp.port}`].sort().join(" ")}`;
const num = (v: string | undefined) => (v === undefined || v === "-" || v === "(empty)" || v === "" ? null : Number(v));
const pairOf = (a: string, b: string) => [normAddr(a), normAddr(b)].sort().join("/");
const swapCase = (h: string) => [...h].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");

/** field-by-field comparison of a Zeek row with one of our flows */
export function comparePair(z: ZeekRow, n: FlowSummary, fields: string[], uidRows: Map<string, ZeekRow>): Partial<Record<Field, Cmp>> {
  const out: Partial<Record<Field, Cmp>> = {};
  let same = true;
  if ("id.orig_h" in z) {
    same = normAddr(z["id.orig_h"]) === normAddr(n.orig.addr) && Number(z["id.orig_p"]) === n.orig.port;
    out.orientation = { ok: same, zeek: `${z["id.orig_h"]}:${z["id.orig_p"]}`, nm: `${n.orig.addr}:${n.orig.port}` };
  }
  if (fields.includes("conn_state")) out.conn_state = { ok: z.conn_state === n.connState, zeek: z.conn_state, nm: n.connState };
  if (fields.includes("history")) {
    const zh = z.history;
    const nh = n.history;
    out.history = { ok: zh === nh || (zh === "-" && nh === ""), zeek: zh, nm: nh };
    const nh2 = same ? nh : swapCase(nh);
    out.history_aligned = { ok: zh.replace("^", "") === nh2.replace("^", "") || (zh === "-" && nh === ""), zeek: zh, nm: nh2 };
  }
  for (const side of ["orig", "resp"] as const) {
    const ns = side === "orig" ? (same ? "orig" : "resp") : same ? "resp" : "orig";
    if (fields.includes(`${side}_pkts`)) {
      const zv = num(z[`${side}_pkts`]);
      const nv = ns === "orig" ? n.origPackets : n.respPackets;
      out[`${side}_pkts`] = { ok: zv === null ? null : zv === nv, zeek: z[`${side}_pkts`], nm: String(nv) };
    }
    if (fields.includes(`${side}_bytes`)) {
      const zv = num(z[`${side}_bytes`]);
      const nv = ns === "orig" ? n.origBytes : n.respBytes;
      out[`${side}_bytes`] = { ok: zv === null ? null : zv === nv, zeek: z[`${side}_bytes`], nm: String(nv) };
    }
  }
  if (fields.includes("duration")) {
    const zv = num(z.duration);
    // Zeek leaves the duration of a single-packet connection unset
    const ok = zv === null ? (n.duration ? null : true) : Math.abs(zv - n.duration) <= 2e-6;
    out.duration = { ok, zeek: z.duration, nm: String(n.duration) };
  }
  if (fields.includes("tunnel_parents") || z._encap) {
    const zpairs = new Set<string>();
    if (z._encap) for (const [a, b] of JSON.parse(z._encap) as string[][]) zpairs.add(pairOf(a, b));
    else {
      const tp = z.tunnel_parents ?? "-";
      for (const uid of tp === "-" || tp === "(empty)" ? [] : tp.split(",")) {
        const pr = uidRows.get(uid);
        if (pr) zpairs.add(pairOf(pr["id.orig_h"], pr["id.resp_h"]));
      }
    }
    const t = n.tunnel;
    const np = t ? pairOf(t.outerSrc, t.outerDst) : undefined;
    const ok = zpairs.size === 0 && np === undefined ? true : zpairs.size > 0 && np !== undefined ? zpairs.has(np) : false;
    out.tunnel = { ok, zeek: [...zpairs].sort().join(";") || "-", nm: t ? `${t.kind} ${t.outerSrc}/${t.outerDst} vni=${t.vni}` : "-" };
  }
  return out;
}

function score(c: Partial<Record<Field, Cmp>>): number {
  let s = 0;
  for (const [k, v] of Object.entries(c)) if (v?.ok === true) s += k === "history_aligned" ? 0.5 : 1;
  return s;
}

function* permutations<T>(items: T[], k: number): Generator<T[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest, k - 1)) yield [items[i], ...p];
  }
}

/** pairs Zeek's rows with our flows (compare.py's match) */
export function match(zrows: ZeekRow[], flows: FlowSummary[], fields: string[], uidRows: Map<string, ZeekRow>): { pairs: Array<[number, number]>; zeekOnly: number[]; nmOnly: number[] } {
  const groups = new Map<string, [number[], number[]]>();
  const group = (k: string) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = [[], []]));
    return g;
  };
  zrows.forEach((r, i) => group(zkey(r))[0].push(i));
  flows.forEach((f, j) => group(nkey(f))[1].push(j));
  const pairs: Array<[number, number]> = [];
  const zeekOnly: number[] = [];
  const nmOnly: number[] = [];
  const sc = (a: number, b: number) => score(comparePair(zrows[a], flows[b], fields, uidRows));
  for (const [zi, nj] of groups.values()) {
    if (zi.length === 0) {
      nmOnly.push(...nj);
      continue;
    }
    if (nj.length === 0) {
      zeekOnly.push(...zi);
      continue;
    }
    let chosen: Array<[number, number]> = [];
    if (zi.length <= 7 && nj.length <= 7) {
      const flip = zi.length > nj.length;
      const [small, large] = flip ? [nj, zi] : [zi, nj];
      let best = -Infinity;
      for (const perm of permutations(large, small.length)) {
        const pp = small.map((a, i): [number, number] => (flip ? [perm[i], a] : [a, perm[i]]));
        const s = pp.reduce((t, [a, b]) => t + sc(a, b), 0);
        if (s > best) {
          best = s;
          chosen = pp;
        }
      }
    } else {
      const cand = zi.flatMap((a) => nj.map((b) => ({ s: sc(a, b), a, b })));
      // compare.py sorts (score, a, b) descending
      cand.sort((x, y) => y.s - x.s || y.a - x.a || y.b - x.b);
      const ua = new Set<number>();
      const ub = new Set<number>();
      for (const { a, b } of cand) {
        if (ua.has(a) || ub.has(b)) continue;
        ua.add(a);
        ub.add(b);
        chosen.push([a, b]);
      }
    }
    pairs.push(...chosen);
    const usedZ = new Set(chosen.map(([a]) => a));
    const usedN = new Set(chosen.map(([, b]) => b));
    zeekOnly.push(...zi.filter((a) => !usedZ.has(a)));
    nmOnly.push(...nj.filter((b) => !usedN.has(b)));
  }
  return { pairs, zeekOnly, nmOnly };
}

/** one case: its baseline (kind, text) against our summary (all flows kept) */
export function compareCase(kind: string, baseline: string, s: CaptureSummary, defaultProto?: string): CaseResult {
  const { fields, rows } = parseBaseline(kind, baseline);
  for (const r of rows) if (r.proto === undefined) r.proto = defaultProto ?? "?";
  const uidRows = new Map<string, ZeekRow>();
  for (const r of rows) if (r.uid) uidRows.set(r.uid, r);
  const flows = s.flows;
  let pairs: Array<[number, number]>;
  let zeekOnly: number[];
  let nmOnly: number[];
  if (kind.startsWith("hist-state-line:")) {
    // one printed (history, state) per trace, no endpoints: paired with the trace's TCP flow
    const j = flows.findIndex((f) => f.proto === "tcp");
    pairs = j >= 0 ? [[0, j]] : [];
    zeekOnly = j >= 0 ? [] : [0];
    nmOnly = flows.map((_, k) => k).filter((k) => k !== j);
  } else ({ pairs, zeekOnly, nmOnly } = match(rows, flows, fields, uidRows));
  return {
    fields,
    pairs: pairs.map(([a, b]) => ({ zeek: rows[a], nm: flows[b], cmp: comparePair(rows[a], flows[b], fields, uidRows) })),
    zeekOnly: zeekOnly.map((a) => rows[a]),
    nmOnly: nmOnly.map((b) => flows[b]),
  };
}

/**
 * rates.py's like-for-like: the pair's endpoints (as Zeek writes them, protocol aside) have one Zeek row and
 * one flow in the case, and the orientation agrees
 */
export function likeForLike(r: CaseResult): boolean[] {
  const key = (z: ZeekRow) => ("id.orig_h" in z ? [`${z["id.orig_h"]}|${z["id.orig_p"]}`, `${z["id.resp_h"]}|${z["id.resp_p"]}`].sort().join(" ") : "");
  const zc = new Map<string, number>();
  for (const z of [...r.zeekOnly, ...r.pairs.map((p) => p.zeek)]) zc.set(key(z), (zc.get(key(z)) ?? 0) + 1);
  const kc = new Map<string, number>();
  for (const p of r.pairs) kc.set(key(p.zeek), (kc.get(key(p.zeek)) ?? 0) + 1);
  return r.pairs.map((p) => zc.get(key(p.zeek)) === 1 && kc.get(key(p.zeek)) === 1 && p.cmp.orientation?.ok !== false);
}
