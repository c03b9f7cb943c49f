/**
 * `ip -br addr` (`veth0@if2  UP  10.235.0.1/24 fe80::…/64`) and `ip -br link`
 * (`veth0@if2  UP  b2:76:…  <BROADCAST,…>`). Brief output has no MTU, which the Interface contract requires, so
 * it yields addresses only (`-br addr`) or nothing but a warning (`-br link`) rather than invented MTUs.
 */
import { detached } from "../../detach";
import type { FileFacts, TextParser, Warning } from "../../parser";
import { fail, fields, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const STATE = /^(UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT|NOTPRESENT|TESTING)$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const ADDR = /^[0-9a-fA-F.:]+\/\d{1,3}$/;

type Shape = "addr" | "link" | undefined;

function rowShape(line: string): Shape {
  const f = fields(line);
  if (f.length < 2 || !STATE.test(f[1]) || !/^[^\s<]+$/.test(f[0])) return undefined;
  const rest = f.slice(2);
  if (rest.every((x) => ADDR.test(x))) return "addr";
  if ((rest.length === 1 || rest.length === 2) && (MAC.test(rest[0]) || rest[0] === "none") && (rest.length === 1 || /^<.*>$/.test(rest[1]))) return "link";
  if (rest.length === 1 && /^<.*>$/.test(rest[0])) return "link";
  return undefined;
}

// the addr and the link sniffers classify the same head's rows one after the other: do it once per head
let countedHead: string | undefined;
let counted = { lines: 0, good: 0, addr: 0, link: 0 };

function countShapes(head: string): typeof counted {
  if (head === countedHead) return counted;
  if (head.length <= 65536) head = detached(head);
  const lines = headLines(head, 40);
  let good = 0;
  let addr = 0;
  let link = 0;
  for (const l of lines) {
    const s = rowShape(l);
    if (s) good++;
    if (s === "addr" && fields(l).length > 2) addr++;
    if (s === "link") link++;
  }
  counted = { lines: lines.length, good, addr, link };
  // a copy (above): a slice of a file's text held here would keep the whole text alive (detach.ts)
  countedHead = head.length <= 65536 ? head : undefined;
  return counted;
}

function sniffFor(want: Shape) {
  return (head: string): number => {
    const { lines, good, addr, link } = countShapes(head);
    if (lines === 0) return 0;
    if (good < lines * 0.8) return 0;
    const is: Shape = link > addr ? "link" : "addr";
    return is === want ? 0.85 : 0;
  };
}

function parseAddr(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const addresses: NonNullable<FileFacts["addresses"]> = [];
  let rows = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    if (rowShape(l) !== "addr") {
      warnings.push({ line: i + 1, message: `not an ip -br addr row: ${l.slice(0, 120)}` });
      continue;
    }
    rows++;
    const f = fields(l);
    const ifname = f[0].split("@")[0];
    for (const a of f.slice(2)) {
      const slash = a.lastIndexOf("/");
      addresses.push({
        ifname, family: a.includes(":") ? "inet6" : "inet", address: a.slice(0, slash), prefixLen: Number(a.slice(slash + 1)),
        line: i + 1,
      });
    }
  }
  if (rows === 0) return fail("ip -br addr: no row");
  return ok({ addresses }, warnings);
}

function parseLink(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const start = firstContentLine(lines);
  const rows = lines.slice(start).filter((l) => rowShape(l) === "link").length;
  if (rows === 0) return fail("ip -br link: no row");
  return ok({}, [{ message: `ip -br link: ${rows} links, but brief output has no MTU: no interface facts` }]);
}

export const ipBriefAddrParser: TextParser = {
  kind: "ip-addr",
  sniff: guardedSniff(sniffFor("addr")),
  parse: guarded("ip-br-addr", parseAddr),
};

export const ipBriefLinkParser: TextParser = {
  kind: "ip-link",
  sniff: guardedSniff(sniffFor("link")),
  parse: guarded("ip-br-link", parseLink),
};
