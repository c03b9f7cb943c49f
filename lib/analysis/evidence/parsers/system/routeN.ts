/**
 * net-tools `route -n` (and `netstat -rn`, same table):
 *   Kernel IP routing table
 *   Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
 *   10.237.0.0      10.235.0.2      255.255.0.0     UG    0      0        0 veth0
 * Reported as kind "ip-route" (the contract's route facts); `route -ne`/`-nee` add MSS/Window/irtt and MTU columns,
 * mapped by header. Flag `!` is a reject (unreachable) route.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { fail, fields, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

type Route = NonNullable<FileFacts["routes"]>[number];

const TITLE = /^Kernel IP routing table\s*$/;
const HEADER = /^Destination\s+Gateway\s+Genmask\s+Flags\s/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function prefix(mask: string): number | undefined {
  if (!IPV4.test(mask)) return undefined;
  let bits = 0;
  let zero = false;
  for (const p of mask.split(".")) {
    const n = Number(p);
    if (n > 255) return undefined;
    for (let b = 7; b >= 0; b--) {
      if (n & (1 << b)) {
        if (zero) return undefined;
        bits++;
      } else zero = true;
    }
  }
  return bits;
}

function sniff(head: string): number {
  const lines = headLines(head, 10);
  const title = lines.length > 0 && TITLE.test(lines[0]);
  const header = lines.some((l) => HEADER.test(l));
  return (title ? 0.5 : 0) + (header ? 0.45 : 0);
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const routes: Route[] = [];
  let cols: string[] = [];
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "" || TITLE.test(l)) continue;
    if (HEADER.test(l)) {
      cols = fields(l);
      continue;
    }
    const f = fields(l);
    if (cols.length === 0 || f.length !== cols.length) {
      warnings.push({ line: lineNo, message: `not a route -n row: ${l.slice(0, 120)}` });
      continue;
    }
    const get = (c: string) => f[cols.indexOf(c)];
    const dest = get("Destination");
    const gw = get("Gateway");
    const bits = prefix(get("Genmask") ?? "");
    if (!IPV4.test(dest) || !IPV4.test(gw) || bits === undefined) {
      warnings.push({ line: lineNo, message: `unreadable route row: ${l.slice(0, 120)}` });
      continue;
    }
    const flags = get("Flags") ?? "";
    const r: Route = {
      dst: dest === "0.0.0.0" && bits === 0 ? "default" : bits === 32 ? dest : `${dest}/${bits}`,
      source: "table", line: lineNo,
    };
    if (gw !== "0.0.0.0") r.via = gw;
    const dev = get("Iface");
    if (dev && dev !== "-" && dev !== "*") r.dev = dev;
    if (flags.includes("!")) r.type = "unreachable";
    const mtu = cols.includes("MTU") ? Number(get("MTU")) : NaN;
    if (Number.isInteger(mtu) && mtu > 0) r.mtu = mtu;
    routes.push(r);
  }
  if (routes.length === 0 && cols.length === 0) return fail("route -n: no routing table header");
  return ok({ routes }, warnings);
}

export const routeNParser: TextParser = {
  kind: "ip-route",
  sniff: guardedSniff(sniff),
  parse: guarded("route-n", parse),
};
