import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run } from "./capture";

const testdata = path.resolve(__dirname, "../../lib/analysis/capture/testdata");

function capture() {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => vi.restoreAllMocks());

describe("netmortem capture", () => {
  it("--json prints the CaptureSummary", async () => {
    const io = capture();
    const code = await run([path.join(testdata, "accept-queue-full-syn-drops.pcap"), "--json"]);
    expect(code).toBe(0);
    const s = JSON.parse(io.out());
    expect(s.format).toBe("pcap");
    expect(s.flowsByState).toEqual({ S0: 3, S2: 2 });
    expect(s.flows[0].connState).toBe("S0");
  });

  it("text: summary then flows worst first, limited by --flows", async () => {
    const io = capture();
    const code = await run([path.join(testdata, "nodeport-source-port-synack-diverted.pcap"), "--flows", "1"]);
    expect(code).toBe(0);
    const text = io.out();
    expect(text).toMatch(/handshakes attempted 2 completed 1 failed 1 refused 0/);
    expect(text).toMatch(/client source ports in the NodePort range: 10\.243\.0\.2:30080→10\.243\.0\.1:80 S1/);
    expect(text).toMatch(/flows, worst first \(1 of 2 kept\)/);
    expect(text).toMatch(/10\.243\.0\.2:30080 .* S1 +Sh /);
    expect(text).not.toMatch(/:40080/);
  });

  it("bad usage and unreadable files", async () => {
    const io = capture();
    expect(await run([])).toBe(2);
    expect(await run(["a", "b"])).toBe(2);
    expect(await run([path.join(testdata, "does-not-exist.pcap")])).toBe(1);
    expect(io.err()).toMatch(/cannot read/);
  });
});
