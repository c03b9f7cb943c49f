// A text as edits of another text, line by line: what a node's next `sysctl -a` costs is the few lines that changed
// (kernel.random.uuid, fs.file-nr, nf_conntrack_count…). Used for texts past deflate's 32 KB window, where a
// preset dictionary no longer reaches back to the same line of the previous version.
//
// Lines are matched by patience diff: lines that occur once in both texts anchor the alignment (the longest run of
// anchors in the same order), gaps between anchors are aligned by equal prefix and suffix, the rest is replaced.
// The patch is text: `=N` keep N lines of the base, `-N` drop N, `+N` then N new lines. Splitting on "\n" and joining
// again is exact, so applying a patch gives the text byte for byte (the caller checks the sha256 anyway).

function anchors(a: string[], b: string[], a0: number, a1: number, b0: number, b1: number): Array<[number, number]> {
  const countA = new Map<string, number>();
  const posA = new Map<string, number>();
  for (let i = a0; i < a1; i++) {
    countA.set(a[i]!, (countA.get(a[i]!) ?? 0) + 1);
    posA.set(a[i]!, i);
  }
  const countB = new Map<string, number>();
  const posB = new Map<string, number>();
  for (let j = b0; j < b1; j++) {
    countB.set(b[j]!, (countB.get(b[j]!) ?? 0) + 1);
    posB.set(b[j]!, j);
  }
  const pairs: Array<[number, number]> = [];
  for (let j = b0; j < b1; j++) {
    const l = b[j]!;
    if (countB.get(l) === 1 && countA.get(l) === 1) pairs.push([posA.get(l)!, j]);
  }
  // longest increasing subsequence of base positions (patience sorting)
  const tails: number[] = [];
  const prev: number[] = new Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    const x = pairs[k]![0];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![0] < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1]!;
    tails[lo] = k;
  }
  const out: Array<[number, number]> = [];
  for (let k = tails.length ? tails[tails.length - 1]! : -1; k >= 0; k = prev[k]!) out.push(pairs[k]!);
  return out.reverse();
}

type Op = ["=", number] | ["-", number] | ["+", string[]];

function push(ops: Op[], op: Op): void {
  const last = ops[ops.length - 1];
  if (last && last[0] === op[0]) {
    if (op[0] === "+") (last[1] as string[]).push(...op[1]);
    else (last as ["=" | "-", number])[1] += op[1] as number;
  } else ops.push(op[0] === "+" ? ["+", [...op[1]]] : op);
}

function diff(a: string[], b: string[], a0: number, a1: number, b0: number, b1: number, ops: Op[], depth: number): void {
  // equal prefix and suffix
  let p = 0;
  while (a0 + p < a1 && b0 + p < b1 && a[a0 + p] === b[b0 + p]) p++;
  let s = 0;
  while (a1 - s > a0 + p && b1 - s > b0 + p && a[a1 - 1 - s] === b[b1 - 1 - s]) s++;
  if (p > 0) push(ops, ["=", p]);
  a0 += p;
  b0 += p;
  a1 -= s;
  b1 -= s;
  const found = depth < 8 && a1 > a0 && b1 > b0 ? anchors(a, b, a0, a1, b0, b1) : [];
  if (found.length === 0) {
    if (a1 > a0) push(ops, ["-", a1 - a0]);
    if (b1 > b0) push(ops, ["+", b.slice(b0, b1)]);
  } else {
    let ai = a0;
    let bi = b0;
    for (const [x, y] of found) {
      diff(a, b, ai, x, bi, y, ops, depth + 1);
      push(ops, ["=", 1]);
      ai = x + 1;
      bi = y + 1;
    }
    diff(a, b, ai, a1, bi, b1, ops, depth + 1);
  }
  if (s > 0) push(ops, ["=", s]);
}

/** The patch that turns `base` into `text`. */
export function makeLinePatch(base: string, text: string): string {
  const a = base.split("\n");
  const b = text.split("\n");
  const ops: Op[] = [];
  diff(a, b, 0, a.length, 0, b.length, ops, 0);
  const out: string[] = [];
  for (const op of ops) {
    if (op[0] === "+") out.push(`+${op[1].length}`, ...op[1]);
    else out.push(`${op[0]}${op[1]}`);
  }
  return out.join("\n");
}

/** The text a patch makes of `base`; throws on a patch that does not fit it. */
export function applyLinePatch(base: string, patch: string): string {
  const a = base.split("\n");
  const p = patch.split("\n");
  const out: string[] = [];
  let ai = 0;
  for (let i = 0; i < p.length; ) {
    const op = p[i]!;
    const n = Number(op.slice(1));
    if (!Number.isInteger(n) || n < 0) throw new Error(`bad line patch at line ${i + 1}`);
    if (op[0] === "=") {
      if (ai + n > a.length) throw new Error("line patch runs past its base");
      for (let k = 0; k < n; k++) out.push(a[ai + k]!);
      ai += n;
      i++;
    } else if (op[0] === "-") {
      ai += n;
      i++;
    } else if (op[0] === "+") {
      if (i + 1 + n > p.length) throw new Error("line patch is cut");
      for (let k = 0; k < n; k++) out.push(p[i + 1 + k]!);
      i += 1 + n;
    } else throw new Error(`bad line patch op ${JSON.stringify(op.slice(0, 8))}`);
  }
  if (ai !== a.length) throw new Error("line patch does not cover its base");
  return out.join("\n");
}
