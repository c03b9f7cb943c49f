/**
 * Pastes: one text holding what people copy from a terminal or a collect script — command lines with a
 * prompt (`$ ss -ltn`, `root@node-1:~# ip route`, `[root@web ~]# netstat -s | egrep …`), several commands
 * and their outputs, section headers of collect files (`==== sysctl -a ====`, `## ip route`, `==> /proc/net/snmp
 * <==`, `+ ss -s` from `bash -x`), `date` lines, comments and annotations, CRLF, lines wrapped at the
 * terminal's width, a last line cut short.
 *
 * `splitPaste` cuts a text into parts (a command or header and the output under it, each line keeping its
 * line number in the original), `commandKinds` says which evidence kinds a command line produces, and
 * `cleanPart` removes what people add to outputs. The registry (index.ts `parseTextParts`) recognises each
 * part by its command first and its content second. Pure, linear, no regex that can backtrack on long lines.
 */
import type { EvidenceKind } from "./model";

export type PastePart = {
  /** the command line (prompt removed), or the header's title */
  command?: string;
  /** how the part was introduced: a prompt, a section header, a bare command line (no prompt), or nothing */
  via: "prompt" | "header" | "bare" | "none";
  /** the host a prompt names (`root@node-1:~#` → node-1) */
  host?: string;
  /** output lines (terminators removed) and the 1-based line of each in the original text */
  lines: string[];
  lineNos: number[];
  /** the line of the command / header itself (1-based), when there is one */
  commandLine?: number;
  /** ISO time from a preceding `date` output, a header or `# taken at` comment */
  takenAt?: string;
};

/** commands whose output is evidence, or that wrap one (sudo, nsenter…), or that people run around them */
const COMMANDS = new Set([
  "ss", "ip", "netstat", "nstat", "sysctl", "cat", "head", "tail", "less", "more", "grep", "egrep", "fgrep", "zgrep",
  "zcat", "awk", "sed", "conntrack", "tcpdump", "tshark", "dmesg", "journalctl", "iptables", "iptables-save",
  "iptables-legacy", "iptables-legacy-save", "iptables-nft", "iptables-nft-save", "ip6tables", "ip6tables-save",
  "nft", "uname", "hostname", "date", "curl", "wget", "kubectl", "oc", "k", "crictl", "docker", "nerdctl", "nsenter",
  "sudo", "time", "watch", "timeout", "ethtool", "ifconfig", "route", "arp", "ping", "traceroute", "tracepath",
  "mtr", "cilium", "calicoctl", "bridge", "tc", "lsmod", "modprobe", "echo", "printf", "env", "ls", "find",
  "uptime", "free", "ps", "sh", "bash", "for", "while", "cd", "export", "sar", "lsof", "dig", "nslookup", "host",
  "nc", "ncat", "telnet", "openssl", "systemctl", "service", "haproxy", "nginx", "ipvsadm", "ethtool", "cut",
  "sort", "uniq", "wc", "column", "xargs", "tee", "jq", "yq", "stat", "sysctl.d", "getent", "resolvectl",
  "ss.exe", "netstat.exe", "lnav", "wg", "brctl", "virsh", "ovs-vsctl", "ovs-ofctl", "sos", "sosreport",
]);

/** wrappers: the command they run follows */
const WRAPPERS = /^(?:sudo(?:\s+-\S+)*|time|env(?:\s+\w+=\S*)*|timeout\s+\S+|watch(?:\s+-\S+(?:\s+\d+(?:\.\d+)?)?)*|nsenter(?:\s+-\S+(?:\s+\S+)?)*?\s+--|nsenter(?:\s+(?:-[a-zA-Z]+|--\w+(?:=\S+)?)(?:\s+\d+)?)*|ip\s+netns\s+exec\s+\S+|ip\s+-n\s+\S+\s+(?=\S)|kubectl(?:\s+-n\s+\S+)?\s+exec(?:\s+-\S+)*\s+\S+(?:\s+-c\s+\S+)?\s+--|docker\s+exec(?:\s+-\S+)*\s+\S+|crictl\s+exec(?:\s+-\S+)*\s+\S+|chroot\s+\S+)\s+/;

/** the first real command of a line: wrappers removed, the rest of a pipeline kept as `filter` */
export function mainCommand(line: string): { cmd: string; word: string; filter?: string } {
  let c = line.trim().replace(/^\(+/, "");
  for (let i = 0; i < 6; i++) {
    const m = WRAPPERS.exec(c);
    if (!m || m[0].length === 0) break;
    // `ip -n NS link` keeps `ip link`
    c = /^ip\s+-n\s/.test(m[0]) ? `ip ${c.slice(m[0].length)}` : c.slice(m[0].length);
  }
  const bar = pipeIndex(c);
  const head = bar >= 0 ? c.slice(0, bar).trim() : c;
  const filter = bar >= 0 ? c.slice(bar + 1).trim() : undefined;
  const word = (head.split(/\s+/)[0] ?? "").replace(/^.*\//, "");
  return filter === undefined ? { cmd: head, word } : { cmd: head, word, filter };
}

/** index of the first `|` outside quotes (not `||`) */
function pipeIndex(s: string): number {
  let q = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (q) {
      if (ch === q) q = "";
      continue;
    }
    if (ch === "'" || ch === '"') q = ch;
    else if (ch === "|" && s[i + 1] !== "|" && s[i - 1] !== "|") return i;
  }
  return -1;
}

function isCommandText(text: string, strict: boolean): boolean {
  const t = text.trim();
  if (t === "" || t.length > 2000) return false;
  const { word } = mainCommand(t);
  if (COMMANDS.has(word)) return true;
  if (strict) return false;
  // a `$ ` prompt: any lower-case program name, not prose
  return /^[a-z][\w.+-]{0,40}$/.test(word) && !/^(the|a|an|and|or|to|of|is|it|this|that|with|for|in|on)$/.test(word);
}

// prompts: user@host:path#|$, [user@host path]#, host:~ #, bash-5.1#, / #, ~ $, $, #, %, >, PS C:\>
const PROMPT_USER_HOST = /^([\w.-]+)@([\w.-]+)(?::[^\s#$%>]*| [~/][^\s#$%>]{0,200})?\s?[#$%>]\s?(.*)$/;
const PROMPT_BRACKET = /^\[([\w.-]+)@([\w.-]+)[^\]]{0,200}\]\s?[#$%]\s?(.*)$/;
const PROMPT_HOST_PATH = /^([\w.-]+):(?:~|\/)[^\s#$]{0,200}\s?[#$]\s?(.*)$/;
const PROMPT_SHELL = /^(?:bash|sh|zsh|ash|dash)-[\d.]+\s?[#$]\s?(.*)$/;
const PROMPT_PATH = /^(?:~|\/)[^\s#$]{0,200}\s[#$]\s(.*)$/;
const PROMPT_PLAIN = /^\s{0,4}([$%#❯»>])\s+(\S.*)$/;
const PROMPT_PS = /^PS [A-Za-z]:\\[^>]{0,200}>\s?(.*)$/;
const PROMPT_HOST_SPACE = /^([\w.-]+) [~/][^\s#$]{0,200} [#$] (.*)$/;

/** a command line with its prompt: the command (and the host a prompt names), or undefined */
export function promptCommand(line: string): { command: string; host?: string } | undefined {
  if (line.length > 2000) return undefined;
  let m = PROMPT_USER_HOST.exec(line) ?? PROMPT_BRACKET.exec(line);
  if (m) {
    const cmd = m[3]!.trim();
    return cmd && isCommandText(cmd, false) ? { command: cmd, host: m[2]! } : undefined;
  }
  m = PROMPT_HOST_PATH.exec(line);
  if (m && isCommandText(m[2]!, false)) return { command: m[2]!.trim(), host: m[1]! };
  m = PROMPT_HOST_SPACE.exec(line);
  if (m && isCommandText(m[2]!, true)) return { command: m[2]!.trim(), host: m[1]! };
  m = PROMPT_SHELL.exec(line) ?? PROMPT_PATH.exec(line) ?? PROMPT_PS.exec(line);
  if (m && isCommandText(m[1]!, false)) return { command: m[1]!.trim() };
  m = PROMPT_PLAIN.exec(line);
  if (m) {
    // `# text` is a comment unless the text is a known command; `$ x` takes any program name
    const strict = m[1] !== "$" && m[1] !== "%" && m[1] !== "❯";
    if (isCommandText(m[2]!, strict)) return { command: m[2]!.trim() };
  }
  return undefined;
}

const HEADER_OPEN = /^\s{0,3}(={2,}|-{3,}|#{2,}|\*{3,}|>{2,}|\+{3,}|~{3,}|\[{1,2}|<{3,}|\/\/+|:{3,})\s*([^=#*<>\]~:+-].{0,300}?)\s*(={2,}|-{3,}|#{2,}|\*{3,}|<{2,}|>{3,}|\+{3,}|~{3,}|\]{1,2}|:{3,})?\s*$/;

/** a section header's title (`==== ss -ltn ====`, `## netstat -s`, `==> /proc/net/snmp <==`, `+ ss -s`) */
export function headerTitle(line: string): string | undefined {
  if (line.length > 400) return undefined;
  // bash -x traces: "+ cmd"
  const x = /^\+{1,3} (\S.*)$/.exec(line);
  if (x && isCommandText(x[1]!, true)) return x[1]!.trim();
  const m = HEADER_OPEN.exec(line);
  if (!m) return undefined;
  const open = m[1]!;
  const title = m[2]!.trim();
  const close = m[3];
  if (!title) return undefined;
  // `[ss -s]` / `[[ … ]]` must close; `## title` and `==> x <==` need no closer only when the title is a command,
  // a path or a time (a markdown heading of prose is not a section of evidence)
  if (open.startsWith("[") && !close) return undefined;
  if (open.startsWith("[") && /^\d+(\.\d+)?\]/.test(`${title}]`)) return undefined; // dmesg "[ 12.345]"
  // ping's own summary line (`--- 10.0.0.1 ping statistics ---`) belongs to its output
  if (open === "---" && / statistics$/.test(title)) return undefined;
  const commandish = isCommandText(title.replace(/^(?:command|cmd|output of|running|run|exec)\s*[:=]?\s*/i, ""), true) || /^\/(proc|sys|etc|var|run)\//.test(title);
  if (!close && !commandish && !timeOf(title)) return undefined;
  if (open === "---" && !close && !commandish) return undefined;
  return title.replace(/^(?:command|cmd|output of|running|run|exec)\s*[:=]\s*/i, "");
}

/** times people put in headers and `date` prints */
export function timeOf(t: string): string | undefined {
  const s = t.trim().replace(/^(?:taken(?: at)?|date|time|captured(?: at)?|timestamp|at)\s*[:=]?\s*/i, "");
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d| ?UTC| ?[A-Z]{3,4})?$/.test(s)) {
    const ms = Date.parse(s.replace(/ (UTC|GMT)$/, "Z").replace(/ [A-Z]{3,4}$/, "Z").replace(/^(\S+) (\d)/, "$1T$2"));
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  if (/^\d{10}(\.\d{1,9})?$/.test(s)) return new Date(Number(s) * 1000).toISOString();
  // date(1), C and common locales: "Sun Nov 22 07:38:16 UTC 2026", "Mon 07 Dec 2026 10:15:01 AM UTC"
  const a = /^[A-Z][a-z]{2},? ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d)(?: ([A-Z]{2,5}|[+-]\d{4}))? (\d{4})$/.exec(s);
  if (a) return iso(`${a[1]} ${a[2]} ${a[5]} ${a[3]}`, a[4]);
  const b = /^[A-Z][a-z]{2},? (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d:\d\d:\d\d)(?: (AM|PM))?(?: ([A-Z]{2,5}|[+-]\d{4}))?$/.exec(s);
  if (b) {
    const [h0, mm, ss] = b[4]!.split(":").map(Number) as [number, number, number];
    let hh = h0;
    if (b[5] === "PM" && hh < 12) hh += 12;
    if (b[5] === "AM" && hh === 12) hh = 0;
    return iso(`${b[2]} ${b[1]} ${b[3]} ${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}`, b[6]);
  }
  return undefined;
}

function iso(text: string, zone?: string): string | undefined {
  const z = !zone || /^(UTC|GMT|Z)$/.test(zone) ? "GMT" : /^[+-]\d{4}$/.test(zone) ? `GMT${zone}` : "GMT";
  const ms = Date.parse(`${text} ${z}`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Commands people paste without any prompt, one per line above their output (`netstat -s | grep -i listen`,
 * `uname -r`, `cat /proc/sys/net/core/somaxconn`): programs whose output is evidence, or that name the host or
 * the time. The caller only asks at the start of a text or after a blank line or a code fence.
 */
const BARE = new Set([
  "ss", "ip", "netstat", "nstat", "sysctl", "conntrack", "tcpdump", "dmesg", "journalctl", "uname", "iptables",
  "iptables-save", "ip6tables", "ip6tables-save", "iptables-legacy", "iptables-legacy-save", "iptables-nft",
  "iptables-nft-save", "nft", "cat", "grep", "egrep", "zgrep", "head", "tail", "ethtool", "ifconfig", "route", "ping",
  "ping6", "tracepath", "traceroute", "curl", "uptime", "hostname", "date", "bridge", "arp",
]);
const PROSE = new Set(["the", "a", "an", "is", "was", "are", "were", "and", "but", "shows", "showed", "says", "said", "when", "which", "that", "this", "it", "we", "i", "you", "to", "of", "see", "saw", "gives", "gave", "returns", "returned", "output", "outputs", "command"]);

/** a command line without a prompt, or undefined */
export function bareCommand(line: string): string | undefined {
  if (line.length > 300 || !/^[a-z]/.test(line) || /\t/.test(line)) return undefined;
  const t = line.trim();
  // `net.core.somaxconn = 128` is sysctl's output; a sentence ends in a colon or a full stop (quoted filters aside)
  const unquoted = t.replace(/'[^']*'|"[^"]*"/g, "''");
  if (/ = |[:.]$/.test(unquoted) && !/\d\.$/.test(unquoted)) return undefined;
  const { cmd, word } = mainCommand(t);
  if (!BARE.has(word)) return undefined;
  const words = unquoted.split(/\s+/);
  if (words.slice(1).some((w) => PROSE.has(w.toLowerCase()))) return undefined;
  const args = cmd.split(/\s+/).slice(1);
  // a reader of files names one (`cat /proc/net/netstat`, `tail -n 20 /var/log/nginx/error.log`)
  if (/^(cat|grep|egrep|zgrep|head|tail)$/.test(word)) return args.some((a) => /^['"]?\//.test(a)) ? t : undefined;
  if (/^(uptime|hostname|date|dmesg|uname|ss|netstat|nstat|route|ifconfig|arp)$/.test(word)) return t;
  // the others take an object, a flag or an address (`ip route`, `sysctl net.core.somaxconn`, `ping -c 3 x`)
  return args.length > 0 ? t : undefined;
}

// terminal control sequences: CSI (colours, bracketed paste `ESC[?2004h`), OSC (window titles), two-byte escapes
const CSI = /\x1b\[[0-?]{0,32}[ -/]{0,8}[@-~]/g;
const OSC = /\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)/g;
const ESC2 = /\x1b[()][A-Za-z0-9]|\x1b[=>78DEHMc]/g;

/**
 * What a terminal would show for a text that went through one: escape sequences (colours of `ip -c`, the
 * bracketed-paste marks script(1) records) removed, carriage returns inside a line replayed as overwrites
 * (progress meters, `ESC[?2004l CR` before output), backspaces applied. Line ends (LF or CRLF) and the number
 * of lines are kept, so line numbers still cite the original. Texts without any of these are returned as is.
 */
export function normalizeTerminal(text: string): string {
  if (!/\x1b|\r(?!\n|$)|[\x07\x08]/.test(text)) return text;
  return text.split("\n").map((line) => {
    let l = line;
    const cr = l.endsWith("\r");
    if (cr) l = l.slice(0, -1);
    if (l.includes("\x1b")) l = l.replace(OSC, "").replace(CSI, "").replace(ESC2, "").replace(/\x1b/g, "");
    if (l.includes("\x07")) l = l.replace(/\x07/g, "");
    if (l.includes("\r")) {
      let buf = "";
      for (const seg of l.split("\r")) buf = seg + buf.slice(seg.length);
      l = buf;
    }
    if (l.includes("\b")) {
      const out: string[] = [];
      for (const ch of l) {
        if (ch === "\b") out.pop();
        else out.push(ch);
      }
      l = out.join("");
    }
    return cr ? `${l}\r` : l;
  }).join("\n");
}

/** a line that is only a time as date(1), ISO 8601 or a header prints it (not a bare epoch number) */
function isDateLine(l: string): string | undefined {
  const t = l.trim();
  if (t.length < 10 || t.length > 60 || /^\d+(\.\d+)?$/.test(t)) return undefined;
  return timeOf(t);
}

const FENCE = /^\s{0,3}(```|~~~)/;

function isCommentLine(l: string): boolean {
  return /^\s{0,3}(#|\/\/|;;) /.test(l) || /^\s{0,3}#\s*$/.test(l);
}

/**
 * Splits a text into parts. A text without any command line or header is one part (every line, numbered
 * as in the text), so plain files are read exactly as before.
 */
export function splitPaste(text: string): PastePart[] {
  const raw = text.split("\n");
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  const parts: PastePart[] = [];
  let cur: PastePart = { via: "none", lines: [], lineNos: [] };
  let time: string | undefined;
  // a header naming a host (`##### node-a #####`) names the host of the parts under it, until the next one
  let headerHost: string | undefined;
  let awaitingDate = false;
  let n = 0;
  // a bare command line counts at the start of the text, after a blank line or at a code fence
  let atBoundary = true;
  let inFence = false;
  for (let i = 0; i < raw.length; i++) {
    let l = raw[i]!;
    if (l.endsWith("\r")) l = l.slice(0, -1);
    const lineNo = i + 1;
    if (FENCE.test(l)) {
      // a code fence (GitHub markdown) opens or closes a block: what follows a closing fence is prose, not output
      if (inFence || cur.lines.length > 0 || cur.command !== undefined) {
        if (cur.lines.length > 0 || cur.command !== undefined) parts.push(cur);
        cur = { via: "none", lines: [], lineNos: [] };
        if (headerHost) cur.host = headerHost;
        if (time) cur.takenAt = time;
      }
      inFence = !inFence;
      atBoundary = true;
      continue;
    }
    const p = l.length < 2000 && /^\s{0,4}[\w[$#%>❯»~/+(=*<:-]|^PS /.test(l) ? promptCommand(l) : undefined;
    const h = p ? undefined : headerTitle(l);
    const b = p || h !== undefined || !atBoundary ? undefined : bareCommand(l);
    atBoundary = l.trim() === "";
    if (p || h !== undefined || b) {
      if (cur.lines.length > 0 || cur.command !== undefined) parts.push(cur);
      // `hostname` (or `uname -n`) answered with one name: the parts after it are that host's
      const named = hostnameAnswer(cur);
      if (named) headerHost = named;
      const command = p ? p.command : b ?? h!;
      const hostFromHeader = !p && !b && /^[a-z0-9][a-z0-9.-]{0,62}$/i.test(h!) && !isCommandText(h!, true) && !timeOf(h!) && /[a-z]/i.test(h!) && /[-.\d]/.test(h!) ? h : undefined;
      const t = p || b ? undefined : timeOf(h!);
      if (t) time = t;
      if (hostFromHeader) headerHost = hostFromHeader;
      cur = { command, via: p ? "prompt" : b ? "bare" : "header", lines: [], lineNos: [], commandLine: lineNo };
      if (p?.host) cur.host = p.host;
      else if (headerHost) cur.host = headerHost;
      if (time) cur.takenAt = time;
      awaitingDate = mainCommand(command).word === "date";
      n++;
      continue;
    }
    if (awaitingDate && l.trim() !== "") {
      awaitingDate = false;
      const t = timeOf(l);
      if (t) {
        time = t;
        cur.takenAt = t;
        continue;
      }
    }
    // a date line inside a command's output (`for i in 1 2; do date; nstat -az X; sleep 10; done`, `watch`-style
    // loops): each date starts another reading of the same command
    if (cur.command !== undefined && cur.via !== "none") {
      const t = isDateLine(l);
      if (t) {
        time = t;
        if (cur.lines.some((x) => x.trim() !== "")) {
          parts.push(cur);
          const next: PastePart = { command: cur.command, via: cur.via, lines: [], lineNos: [], commandLine: lineNo };
          if (cur.host) next.host = cur.host;
          cur = next;
        }
        cur.takenAt = t;
        continue;
      }
    }
    // `# taken at …` comments date what follows
    const tc = /^\s*#\s*(?:taken(?: at)?|date|time|captured(?: at)?|timestamp)\s*[:=]?\s*(.{4,60})$/i.exec(l);
    if (tc) {
      const t = timeOf(tc[1]!);
      if (t) {
        time = t;
        if (cur.lines.length === 0) cur.takenAt = t;
      }
    }
    cur.lines.push(l);
    cur.lineNos.push(lineNo);
  }
  if (cur.lines.length > 0 || cur.command !== undefined) parts.push(cur);
  if (n === 0) return parts.length ? parts : [];
  // a first part of only blank/comment lines before the first command is nothing
  return parts.filter((pt) => pt.command !== undefined || pt.lines.some((x) => x.trim() !== "" && !isCommentLine(x)));
}

function hostnameAnswer(p: PastePart): string | undefined {
  if (!p.command) return undefined;
  const { cmd, word } = mainCommand(p.command);
  if (!(word === "hostname" && !/\s-[IiaA]/.test(cmd)) && !(word === "uname" && /\s-\w*n\b/.test(cmd) && !/-\w*a/.test(cmd))) return undefined;
  const out = p.lines.map((l) => l.trim()).filter((l) => l !== "");
  return out.length === 1 && /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(out[0]!) ? out[0] : undefined;
}

/**
 * What people add to outputs, removed: comment lines, trailing annotations (`  <-- this`, `  # note`),
 * blank lines at the ends. Returns the cleaned lines with their original numbers.
 */
export function cleanPart(p: PastePart, keepComments = false): { lines: string[]; lineNos: number[] } {
  const lines: string[] = [];
  const lineNos: number[] = [];
  for (let i = 0; i < p.lines.length; i++) {
    let l = p.lines[i]!;
    if (!keepComments && p.via !== "none" && isCommentLine(l) && !/^#\s*(taken|date|time|captured|timestamp)\b/i.test(l)) continue;
    // annotations: "<--", "<==", "←" and a "  # …" tail after two spaces
    const arrow = l.search(/\s(<-{1,3}|<={1,3}|←|⬅)\s?/);
    if (arrow > 0) l = l.slice(0, arrow).trimEnd();
    const hash = l.search(/\s{2,}#\s/);
    if (hash > 0 && !/^\s*(#|-A |-I |\[)/.test(l)) l = l.slice(0, hash).trimEnd();
    lines.push(l);
    lineNos.push(p.lineNos[i]!);
  }
  while (lines.length > 0 && lines[0]!.trim() === "") {
    lines.shift();
    lineNos.shift();
  }
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") {
    lines.pop();
    lineNos.pop();
  }
  return { lines, lineNos };
}

/**
 * Lines wrapped at the terminal's width joined back: when two or more lines are exactly W characters
 * (W ≥ 60, the longest line) each is joined with the line after it. The caller keeps whichever reading of
 * the part parses better (tables padded to one width must not be joined).
 */
export function unwrap(lines: string[], lineNos: number[]): { lines: string[]; lineNos: number[] } | undefined {
  let w = 0;
  for (const l of lines) if (l.length > w) w = l.length;
  if (w < 60) return undefined;
  let atW = 0;
  for (const l of lines) if (l.length === w) atW++;
  if (atW < 1 || atW === lines.length) return undefined;
  const out: string[] = [];
  const nos: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    const no = lineNos[i]!;
    while (l.length > 0 && l.length % w === 0 && i + 1 < lines.length && lines[i + 1]!.length <= w) {
      l += lines[++i]!;
    }
    out.push(l);
    nos.push(no);
  }
  return out.length < lines.length ? { lines: out, lineNos: nos } : undefined;
}

/**
 * The evidence kinds a command line produces, most specific first (empty when the command says nothing,
 * e.g. `grep x file` or `kubectl logs …`: the content decides).
 */
export function commandKinds(command: string): EvidenceKind[] {
  const { cmd, word } = mainCommand(command);
  const args = cmd.split(/\s+/).slice(1);
  const flags = args.filter((a) => a.startsWith("-")).join(" ");
  const rest = args.filter((a) => !a.startsWith("-"));
  const has = (re: RegExp) => re.test(flags);
  switch (word) {
    case "ss":
      if (/(^|\s)-\w*s/.test(flags) || args.includes("--summary")) return ["ss-summary"];
      if (/(^|\s)-\w*l/.test(flags) || args.includes("--listening") || /\bstate\s+listen/i.test(cmd)) return ["ss-listen", "ss-sockets"];
      return ["ss-sockets", "ss-listen"];
    case "netstat":
      if (has(/(^|\s)-\w*s|--statistics/)) return ["netstat-s"];
      if (has(/(^|\s)-\w*r|--route/)) return ["ip-route"];
      if (has(/(^|\s)-\w*i|--interfaces/)) return ["other-text"];
      return ["netstat-sockets"];
    case "nstat":
      return has(/-\w*j|--json/) ? ["nstat-json", "nstat"] : ["nstat", "nstat-json"];
    case "sysctl":
      return ["sysctl"];
    case "uname":
      return ["uname"];
    case "conntrack":
      if (has(/-\w*S|--stats/)) return ["conntrack-stats", "proc-nf-conntrack"];
      if (has(/-\w*C|--count/)) return ["conntrack-count"];
      return ["conntrack-list", "other-text"];
    case "iptables-save": case "iptables-legacy-save": case "iptables-nft-save": case "ip6tables-save":
      return ["iptables-save"];
    case "iptables": case "ip6tables": case "iptables-legacy": case "iptables-nft":
      return has(/(^|\s)-\w*S|--list-rules/) ? ["iptables-save", "iptables-list"] : ["iptables-list", "iptables-save"];
    case "nft":
      return ["nft-ruleset"];
    case "dmesg":
      return ["kernel-log"];
    case "journalctl":
      return has(/(^|\s)-\w*k|--dmesg|_TRANSPORT=kernel/) || /kernel/.test(cmd) ? ["kernel-log"] : [];
    case "tcpdump": case "tshark":
      return ["tcpdump-text"];
    case "curl":
      return ["timing", "client-log"];
    case "ifconfig":
      return ["ip-addr"];
    case "route":
      return ["ip-route"];
    case "ip": {
      const obj = rest[0] ?? "";
      const json = has(/(^|\s)-\w*j|--json/);
      const brief = has(/-br|--brief/);
      if (/^(r|ro|rou|rout|route)$/.test(obj)) {
        const verb = rest[1] ?? "";
        if (/^(g|ge|get)$/.test(verb)) return ["ip-route-get"];
        if (rest.includes("cache")) return ["ip-route-cache", "ip-route"];
        return ["ip-route", "ip-route-cache"];
      }
      if (/^(l|li|lin|link)$/.test(obj)) return brief ? ["ip-link", "ip-addr"] : json ? ["ip-link-json"] : ["ip-link"];
      if (/^(a|ad|add|addr|addre|addres|address)$/.test(obj)) return brief ? ["ip-addr"] : json ? ["ip-addr-json"] : ["ip-addr", "ip-link"];
      if (/^(n|ne|nei|neig|neigh|neighbor|neighbour)$/.test(obj)) return ["ip-neigh"];
      return [];
    }
    case "cat": case "head": case "tail": case "less": case "more": case "zcat": case "grep": case "egrep": case "fgrep": case "zgrep": {
      const file = [...rest].reverse().find((a) => a.startsWith("/") || a.includes("/proc/")) ?? "";
      return fileKinds(file);
    }
    case "kubectl": case "oc": case "k":
      return /\b(version|get\s+(svc|service|services|nodes?|cm|configmap))\b/.test(cmd) ? ["kubernetes"] : [];
    case "ping": case "ping6": case "tracepath":
      return ["ping", "other-text"];
    case "ethtool": case "traceroute": case "mtr": case "arp": case "tc":
      return ["other-text"];
    default:
      return [];
  }
}

/** kinds of a file read with cat/grep: /proc/net/netstat → proc-netstat… */
export function fileKinds(file: string): EvidenceKind[] {
  const f = file.replace(/['"]/g, "");
  if (/\/proc\/net\/netstat$/.test(f)) return ["proc-netstat"];
  if (/\/proc\/net\/snmp6$/.test(f)) return ["proc-snmp6"];
  if (/\/proc\/net\/snmp$/.test(f)) return ["proc-snmp"];
  if (/\/proc\/net\/sockstat6?$/.test(f)) return ["sockstat"];
  if (/\/proc\/net\/(tcp|udp)6?$/.test(f)) return ["proc-net-tcp"];
  if (/\/proc\/net\/dev$/.test(f)) return ["proc-net-dev"];
  if (/\/proc\/net\/softnet_stat$/.test(f)) return ["softnet-stat"];
  if (/\/proc\/net\/stat\/nf_conntrack$/.test(f)) return ["proc-nf-conntrack"];
  if (/nf_conntrack_(count|max)$/.test(f)) return ["conntrack-count"];
  if (/\/proc\/sys\//.test(f)) return ["sysctl"];
  if (/\/proc\/version$/.test(f)) return ["uname"];
  if (/sysctl\.(conf|d)/.test(f)) return ["sysctl"];
  return [];
}

/**
 * A command hidden in a file name, as sosreport and collect scripts write them (`sos_commands/networking/
 * ss_-peaonmi`, `netstat_-s`, `ip_-d_link`, `cmd/sysctl-a.txt`): the base name with `_` read as spaces.
 */
export function commandFromFileName(path: string): string | undefined {
  const base = (path.split("/").pop() ?? "").replace(/\.(txt|out|log)$/i, "");
  const spaced = base.replace(/_/g, " ");
  const first = spaced.split(/[\s]/)[0] ?? "";
  if (!COMMANDS.has(first) || !/\s-|\s[a-z]/.test(spaced)) return undefined;
  return spaced;
}
