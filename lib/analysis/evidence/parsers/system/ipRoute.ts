/**
 * `ip route` / `ip route show table all` (text and -j), `ip route get X` and `ip route show cache`.
 *
 * `mtu 1450` and `mtu lock 1450` are route metrics (lock: PMTU discovery may not lower it). `linkdown`
 * marks a route whose device has no carrier (docker0 without containers). `ip route get` prints the
 * kernel's decision on its first line and, indented, `cache expires 590sec mtu 1450` when a PMTU
 * exception exists: that learned MTU is what the host really uses towards that destination.
 */
import { detached } from "../../detach";
import type { FileFacts, TextParser, Warning } from "../../parser";
import { fail, fields, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

type Route = NonNullable<FileFacts["routes"]>[number];

const TYPES = new Set([
  "unicast", "local", "broadcast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "anycast",
]);
const DST = /^(default|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;
const KEYED = new Set([
  "via", "dev", "src", "proto", "scope", "table", "metric", "pref", "mtu", "advmss", "onlink", "uid", "from",
  "expires", "error", "hoplimit", "initcwnd", "initrwnd", "rtt", "rttvar", "quickack", "congctl", "features",
  "realms", "nhid", "tos", "dsfield", "iif", "oif", "mark", "cache", "ipid", "used", "age", "users", "window",
  "ssthresh", "cwnd", "reordering", "fastopen_no_cookie", "encap", "lladdr", "rto_min", "nexthop", "weight",
]);

/** Reads the words of one route line; returns undefined when the line is not a route. */
function parseRouteWords(words: string[], source: Route["source"], lineNo: number): { route: Route; unknown: string[] } | undefined {
  let k = 0;
  let type: string | undefined;
  if (TYPES.has(words[0])) {
    type = words[0];
    k = 1;
  }
  const dst = words[k];
  if (!dst || !DST.test(dst) || !/[0-9.:]|default/.test(dst)) return undefined;
  const route: Route = { dst, source, line: lineNo };
  if (type) route.type = type;
  const unknown: string[] = [];
  for (k++; k < words.length; k++) {
    const w = words[k];
    const next = words[k + 1];
    switch (w) {
      case "via":
        if (next === "inet" || next === "inet6") k++;
        route.via = words[++k];
        break;
      case "dev": route.dev = words[++k]; break;
      case "src": route.src = words[++k]; break;
      case "proto": route.proto = words[++k]; break;
      case "scope": route.scope = words[++k]; break;
      case "table": route.table = words[++k]; break;
      case "mtu": {
        if (next === "lock") {
          route.mtuLock = true;
          k++;
        }
        const n = Number(words[++k]);
        if (Number.isInteger(n)) route.mtu = n;
        break;
      }
      case "linkdown": route.linkdown = true; break;
      case "dead": case "onlink": case "pervasive": case "offload": case "trap": case "rt_offload": case "notify":
      case "cache": case "rt_trap": case "rt_offload_failed":
        break;
      default:
        if (KEYED.has(w)) k++;
        else unknown.push(w);
    }
  }
  return { route, unknown };
}

function routeLines(text: string, source: Route["source"]): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const routes: Route[] = [];
  let last: Route | undefined;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    const words = l.trim().split(/\s+/);
    if (/^\s/.test(l)) {
      // continuation: `cache expires 595sec mtu 1300` or `nexthop via … dev …` of the route above
      if (last) {
        for (let k = 0; k < words.length; k++) {
          if (words[k] === "expires" && /^-?\d+sec$/.test(words[k + 1] ?? "")) last.cacheExpires = parseInt(words[k + 1], 10);
          else if (words[k] === "mtu") {
            if (words[k + 1] === "lock") k++;
            const n = Number(words[k + 1]);
            if (Number.isInteger(n)) last.mtu = n;
          } else if (words[k] === "dev" && !last.dev) last.dev = words[k + 1];
          else if (words[k] === "via" && !last.via) last.via = words[k + 1];
        }
        continue;
      }
      warnings.push({ line: lineNo, message: `continuation without a route: ${l.trim().slice(0, 120)}` });
      continue;
    }
    const r = parseRouteWords(words, source, lineNo);
    if (!r) {
      warnings.push({ line: lineNo, message: `not a route: ${l.slice(0, 120)}` });
      last = undefined;
      continue;
    }
    if (r.unknown.length > 0) warnings.push({ line: lineNo, message: `unknown route words: ${r.unknown.join(" ").slice(0, 80)}` });
    routes.push(r.route);
    last = r.route;
  }
  if (routes.length === 0) return fail("ip route: no route line");
  return ok({ routes }, warnings);
}

/** `ip neigh` lines look like host routes; their lladdr / NUD state tells them apart */
const NEIGH_LINE = /\blladdr\b|\b(REACHABLE|STALE|DELAY|PROBE|FAILED|INCOMPLETE|PERMANENT|NOARP|NONE)\s*$/;

type Shape = { routes: number; lines: number; cacheLines: number; withDev: number };
// three sniffers (route, get, cache) ask for the shape of the same head in a row
let shapeHead: string | undefined;
let shapeOf: Shape = { routes: 0, lines: 0, cacheLines: 0, withDev: 0 };

function shape(head: string): Shape {
  if (head.length > 65536) return shapeUncached(head);
  if (head !== shapeHead) {
    // a copy, computed from: a slice of a file's text held here would keep the whole text alive (detach.ts)
    shapeHead = detached(head);
    shapeOf = shapeUncached(shapeHead);
  }
  return shapeOf;
}

function shapeUncached(head: string): Shape {
  const lines = headLines(head, 60);
  let routes = 0;
  let cacheLines = 0;
  let withDev = 0;
  for (const l of lines) {
    if (NEIGH_LINE.test(l)) continue;
    if (/^\s+cache\b/.test(l)) {
      cacheLines++;
      continue;
    }
    if (/^\s/.test(l)) continue;
    const r = parseRouteWords(fields(l), "table", 0);
    if (r && r.unknown.length <= 1) {
      routes++;
      if (r.route.dev || r.route.via || r.route.type) withDev++;
    }
  }
  return { routes, lines: lines.filter((l) => !/^\s/.test(l)).length, cacheLines, withDev };
}

function sniffRoute(head: string): number {
  const s = shape(head);
  if (s.routes === 0 || s.withDev === 0 || s.routes < s.lines * 0.7) return 0;
  return s.cacheLines > 0 ? 0.4 : 0.85;
}

/**
 * `ip route get` and `ip route show cache` look alike (a host route + an indented `cache` line).
 * get: one decision, its first line carries `uid` or `src`; cache: possibly many, no uid.
 */
function sniffGet(head: string): number {
  const s = shape(head);
  if (s.routes === 0 || s.cacheLines === 0) return 0;
  const lines = headLines(head, 4);
  return /\buid \d+/.test(lines[0] ?? "") || s.routes === 1 && /\bsrc /.test(lines[0] ?? "") ? 0.9 : 0.5;
}

function sniffCache(head: string): number {
  const s = shape(head);
  if (s.routes === 0 || s.cacheLines === 0) return 0;
  const lines = headLines(head, 4);
  return /\buid \d+/.test(lines[0] ?? "") ? 0.5 : 0.8;
}

// ---- JSON ----

function parseJsonRoutes(text: string): ReturnType<TextParser["parse"]> {
  let arr: unknown;
  try {
    arr = JSON.parse(text);
  } catch (e) {
    return fail(`ip -j route: invalid JSON (${e instanceof Error ? e.message : "?"})`);
  }
  if (!Array.isArray(arr)) return fail("ip -j route: not an array");
  const routes: Route[] = [];
  const warnings: Warning[] = [];
  const single = !/\n[^\n]/.test(text);
  for (const item of arr) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) continue;
    const o = item as Record<string, unknown>;
    if (typeof o.dst !== "string") {
      warnings.push({ message: "ip -j route: entry without dst" });
      continue;
    }
    const r: Route = { dst: o.dst, source: "table" };
    if (single) r.line = 1;
    if (typeof o.type === "string") r.type = o.type;
    if (typeof o.gateway === "string") r.via = o.gateway;
    if (typeof o.dev === "string") r.dev = o.dev;
    if (typeof o.prefsrc === "string") r.src = o.prefsrc;
    if (typeof o.protocol === "string") r.proto = o.protocol;
    if (typeof o.scope === "string") r.scope = o.scope;
    if (typeof o.table === "string") r.table = o.table;
    if (Array.isArray(o.flags) && o.flags.includes("linkdown")) r.linkdown = true;
    if (Array.isArray(o.metrics)) {
      for (const m of o.metrics) {
        if (typeof m !== "object" || m === null) continue;
        const mtu = (m as Record<string, unknown>).mtu;
        if (typeof mtu === "number") r.mtu = mtu;
        // `mtu lock` prints as {"mtu":{"lock":true,"mtu":1400}} in some iproute2 versions
        else if (typeof mtu === "object" && mtu !== null && typeof (mtu as Record<string, unknown>).mtu === "number") {
          r.mtu = (mtu as Record<string, number>).mtu;
          if ((mtu as Record<string, unknown>).lock === true) r.mtuLock = true;
        }
      }
    }
    if (typeof o.expires === "number") {
      r.cacheExpires = o.expires;
      r.source = "cache";
    }
    routes.push(r);
  }
  if (routes.length === 0) return fail("ip -j route: no route");
  return ok({ routes }, warnings);
}

function sniffJsonRoute(head: string): number {
  const t = head.trimStart();
  if (!t.startsWith("[")) return 0;
  if (/"ifname"\s*:/.test(head)) return 0;
  return /^\[\s*\{\s*"(type|dst)"\s*:/.test(t) ? 0.9 : /"dst"\s*:/.test(head) && /"dev"\s*:/.test(head) ? 0.6 : 0;
}

export const ipRouteParser: TextParser = {
  kind: "ip-route",
  sniff: guardedSniff(sniffRoute),
  parse: guarded("ip-route", (t) => routeLines(t, "table")),
};

/** `ip -j route` has no kind of its own in the contract; it yields the same facts as the text. */
export const ipRouteJsonParser: TextParser = {
  kind: "ip-route",
  sniff: guardedSniff(sniffJsonRoute),
  parse: guarded("ip-route-json", parseJsonRoutes),
};

export const ipRouteGetParser: TextParser = {
  kind: "ip-route-get",
  sniff: guardedSniff(sniffGet),
  parse: guarded("ip-route-get", (t) => routeLines(t, "get")),
};

export const ipRouteCacheParser: TextParser = {
  kind: "ip-route-cache",
  sniff: guardedSniff(sniffCache),
  parse: guarded("ip-route-cache", (t) => routeLines(t, "cache")),
};
