/**
 * Child process of framing.test.ts: runs record framing on hostile lengths and prints the results as JSON.
 * A separate process because the bug it guards against (issue 10) was an endless loop inside the
 * WebAssembly core, which no in-process timeout can interrupt: the parent kills this process instead.
 * Usage: node --import tsx framing.child.ts   (reads its cases from framing-cases.ts)
 */
import { FlowEngine } from "./flows";
import { summarizeCapture, summarizeCaptureSource } from "./index";
import { coreCases, readerCases } from "./framing-cases";

const out: Record<string, unknown> = {};
for (const c of readerCases()) {
  const fromBytes = await summarizeCapture(c.bytes);
  const fromSource = await summarizeCaptureSource({
    read: async (into, offset, length, position) => {
      const part = c.bytes.subarray(position, position + length);
      into.set(part, offset);
      return part.length;
    },
  });
  const pick = (s: typeof fromBytes) => ({ packets: s.packets, skipped: s.skipped, error: s.error, tcpPackets: s.tcpPackets, flows: s.flows.length, mssSeen: s.mssSeen });
  out[c.name] = { bytes: pick(fromBytes), source: pick(fromSource) };
}
// the core on its own, told it may frame records of any size: its own bound must hold
for (const c of coreCases()) {
  const engine = new FlowEngine();
  const at = engine.wasm.inputArea(c.records.length);
  engine.memory().set(c.records, at);
  const pos = engine.wasm.pcapRecords(at, at + c.records.length, 1, 1e6, 1, 2 ** 32, 0);
  out[c.name] = { consumed: pos - at, claim: engine.wasm.stopClaim(), frames: engine.framesSeen() };
  engine.finish();
  engine.releaseStorage();
}
process.stdout.write(JSON.stringify(out));
