/**
 * The plain-text rendering of an Analysis (the CLI's default output).
 */
import { ROOT_CAUSE_THRESHOLD, type Analysis } from "../diagnosis/model";

export function formatText(a: Analysis): string {
  const lines: string[] = [];
  const top = a.findings[0];
  if (a.rootCause === "none") {
    lines.push(`Root cause: none found${top ? ` (strongest lead ${top.id} at ${top.confidence}, below ${ROOT_CAUSE_THRESHOLD})` : ""}`);
    if (a.leading) {
      lines.push(`Leading hypothesis: ${a.leading.id} (confidence ${a.leading.confidence}); to confirm or rule it out, collect:`);
      for (const n of a.leading.next) lines.push(`  - on ${n.host}: ${n.command}`, `    ${n.why}`);
    }
  } else {
    lines.push(`Root cause: ${a.rootCause} (confidence ${top!.confidence})`);
  }
  if (a.unreadable?.length) {
    // never silent: a diagnosis made without some of its inputs says so before anything else
    lines.push(`Incomplete: ${a.unreadable.length} input${a.unreadable.length > 1 ? "s" : ""} could not be read (in full); the diagnosis lacks what ${a.unreadable.length > 1 ? "they hold" : "it holds"}:`);
    for (const u of a.unreadable) lines.push(`  - [${u.host}] ${u.file}: ${u.message}`);
  }
  lines.push(`Hosts: ${a.hosts.map((h) => `${h.name}${h.kernel ? ` [${h.kernel}]` : ""} (${h.files.length} files${h.unrecognized?.length ? `, ${h.unrecognized.length} unrecognised` : ""})`).join(", ") || "none (no files in the bundle)"}`);
  a.findings.forEach((f, i) => {
    lines.push("", `${i + 1}. ${f.title} — ${f.id}, confidence ${f.confidence}`, `   ${f.summary}`, "   Evidence:");
    for (const e of f.evidence) lines.push(`     - [${e.host}] ${e.file}${e.line ? `:${e.line}` : ""}: ${e.fact}`);
    if (f.against.length) {
      lines.push("   Against:");
      for (const x of f.against) lines.push(`     - ${x}`);
    }
    if (f.next?.length && f.id !== a.leading?.id) {
      lines.push("   Next to collect:");
      for (const n of f.next) lines.push(`     - on ${n.host}: ${n.command}`, `       ${n.why}`);
    }
    lines.push("   Fix:");
    for (const x of f.fix) lines.push(`     - ${x.command}`, `       risk: ${x.risk}`);
    if (f.references.length) lines.push(`   References: ${f.references.join("; ")}`);
  });
  if (a.latency?.length) {
    lines.push("", "Latencies:");
    for (const l of a.latency) lines.push(`  - ${l.explanation}`);
  }
  lines.push("", "Checked:");
  for (const c of a.checked) lines.push(`  - ${c.id}: ${c.result}`);
  return `${lines.join("\n")}\n`;
}

