import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run, summarizeCaptureFile, withProgress } from "./capture";
import { summarizeCapture } from "../../lib/analysis/capture/index";
import { sharedPath } from "../../lib/testing/shared";

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

  it("a directory, an empty file and a cut gzip stream are reported plainly", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const { gzipSync } = await import("node:zlib");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nm-cli-"));
    try {
      fs.writeFileSync(path.join(dir, "empty.pcap"), "");
      fs.writeFileSync(path.join(dir, "cut.pcap.gz"), gzipSync(fs.readFileSync(path.join(testdata, "healthy-http.pcap"))).subarray(0, 1500));
      const io = capture();
      expect(await run([dir])).toBe(1);
      expect(io.err()).toMatch(/cannot read .*: is a directory/);
      expect(await run([path.join(dir, "empty.pcap")])).toBe(1);
      expect(io.out()).toMatch(/^format - +link - +packets 0/m);
      expect(io.out()).toMatch(/ERROR at byte 0: empty input/);
      expect(await run([path.join(dir, "cut.pcap.gz")])).toBe(0);
      expect(io.out()).toMatch(/^ERROR: unexpected end of file/m);
      expect(io.out()).not.toMatch(/byte -1/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad usage and unreadable files", async () => {
    const io = capture();
    expect(await run([])).toBe(2);
    expect(await run(["a", "b"])).toBe(2);
    expect(await run([path.join(testdata, "does-not-exist.pcap")])).toBe(1);
    expect(io.err()).toMatch(/cannot read/);
  });

  it("--progress reports on stderr; off by default when stderr is not a terminal", async () => {
    const file = path.join(testdata, "healthy-http.pcap");
    const io = capture();
    const tty = process.stderr.isTTY;
    try {
      (process.stderr as { isTTY?: boolean }).isTTY = false;
      expect(await run([file, "--json"])).toBe(0);
      expect(io.err()).toBe("");
      expect(await run([file, "--json", "--progress"])).toBe(0);
    } finally {
      (process.stderr as { isTTY?: boolean }).isTTY = tty;
    }
    const size = (await import("node:fs")).statSync(file).size;
    expect(io.err()).toMatch(new RegExp(`^reading healthy-http\\.pcap: ${(size / 1e6).toFixed(1)} of ${(size / 1e6).toFixed(1)} MB \\(100 %\\).*, done in [0-9.]+ s\\n$`));
    // stdout is still exactly one JSON document per run: progress goes to stderr only
    const docs = io.out().trim().split(/\n(?=\{)/).map((j) => JSON.parse(j) as { packets: number });
    expect(docs).toHaveLength(2);
    expect(docs[1].packets).toBe(docs[0].packets);
  });
});

/** a file in chunks read into two buffers used in turn, as a reader that allocates nothing per chunk does */
async function* reusedBufferChunks(file: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const fs = await import("node:fs");
  const fd = fs.openSync(file, "r");
  try {
    const bufs = [Buffer.alloc(chunkBytes), Buffer.alloc(chunkBytes)];
    for (let i = 0; ; i ^= 1) {
      const n = fs.readSync(fd, bufs[i], 0, chunkBytes, null);
      if (n === 0) return;
      yield bufs[i].subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe("a stream whose source reuses its buffers", () => {
  // a gzip stream's chunks must be copied before gunzip sees them (they were Buffer views of the source's
  // two buffers: any .pcap.gz of more than a chunk ended in "invalid distance too far back")
  it("gzip-compressed captures read in chunks give the summary their bytes give", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const { gzipSync } = await import("node:zlib");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nm-gz-"));
    try {
      const gz = path.join(dir, "router.pcap.gz");
      fs.writeFileSync(gz, gzipSync(fs.readFileSync(path.join(testdata, "router-any-nat-keepalive.pcap"))));
      const corpusGz = sharedPath("corpus", "pcap", "http-window-full-gzip-compressed.pcap.gz");
      for (const [file, packets] of [[gz, 432], [corpusGz, 289]] as const) {
        const whole = await summarizeCapture(fs.readFileSync(file));
        expect(whole.packets).toBe(packets);
        for (const chunk of [1024, 16384, 65536]) {
          const s = await summarizeCapture(reusedBufferChunks(file, chunk));
          expect(s.error, `${path.basename(file)} in ${chunk}-byte chunks`).toBeUndefined();
          expect([s.packets, s.bytes, s.flowsByState, s.retransmissions]).toEqual([whole.packets, whole.bytes, whole.flowsByState, whole.retransmissions]);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("summarizeCaptureFile (what `netmortem capture FILE` runs)", () => {
  it("a file, plain or gzip-compressed, in 1 MB or tiny chunks, gives the summary its bytes give", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const { gzipSync } = await import("node:zlib");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nm-file-"));
    try {
      const plainFile = path.join(testdata, "lossy-mix-v4-v6.pcap");
      const gz = path.join(dir, "lossy.pcap.gz");
      fs.writeFileSync(gz, gzipSync(fs.readFileSync(plainFile)));
      const whole = JSON.parse(JSON.stringify(await summarizeCapture(fs.readFileSync(plainFile)))) as unknown;
      const read: number[] = [];
      for (const s of [
        await summarizeCaptureFile(plainFile, {}, (n) => read.push(n)),
        await summarizeCaptureFile(plainFile, {}, undefined, { chunk: 999, room: 400 }),
        await summarizeCaptureFile(gz),
      ]) {
        expect(JSON.parse(JSON.stringify(s))).toEqual(whole);
      }
      expect(read.at(-1)).toBe(fs.statSync(plainFile).size);
      await expect(summarizeCaptureFile(path.join(dir, "missing.pcap"))).rejects.toThrow(/ENOENT/);
      // a FIFO (or /dev/stdin, or <(tcpdump -w -)) cannot be read at positions: it is streamed (it read 0
      // packets, "ESPIPE", before that was handled)
      const fifo = path.join(dir, "capture.fifo");
      execFileSync("mkfifo", [fifo]);
      const writer = spawn("sh", ["-c", `cat "$0" > "$1"`, plainFile, fifo], { stdio: "ignore" });
      const written = new Promise((r) => writer.on("close", r));
      const viaFifo = await summarizeCaptureFile(fifo, {}, (n) => read.push(n));
      expect(await written).toBe(0);
      expect(JSON.parse(JSON.stringify(viaFifo))).toEqual(whole);
      expect(read.at(-1)).toBe(fs.statSync(plainFile).size);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("withProgress", () => {
  async function* chunks(sizes: number[]) {
    for (const n of sizes) yield new Uint8Array(n);
  }
  async function drain(it: AsyncIterable<Uint8Array>): Promise<number> {
    let n = 0;
    for await (const c of it) n += c.length;
    return n;
  }
  it("reports every interval with percentage and rate, then a final line; passes every byte through", async () => {
    let t = 0;
    const lines: string[] = [];
    // each chunk "takes" 300 ms: updates at 600 ms and 1200 ms (interval 500 ms from the last update)
    const src = (async function* () {
      for await (const c of chunks([1e6, 1e6, 1e6, 1e6, 1e6])) {
        t += 300;
        yield c;
      }
    })();
    const n = await drain(withProgress(src, "x.pcap", 5e6, (s) => lines.push(s), { tty: false, everyMs: 500, now: () => t }));
    expect(n).toBe(5e6);
    expect(lines).toEqual([
      "reading x.pcap: 2.0 of 5.0 MB (40 %), 3 MB/s\n",
      "reading x.pcap: 4.0 of 5.0 MB (80 %), 3 MB/s\n",
      "reading x.pcap: 5.0 of 5.0 MB (100 %), 3 MB/s, done in 1.50 s\n",
    ]);
  });
  it("on a terminal rewrites one line and clears it at the end; a short run prints nothing", async () => {
    let t = 0;
    const out: string[] = [];
    const src = (async function* () {
      for await (const c of chunks([2e6, 2e6])) {
        t += 600;
        yield c;
      }
    })();
    await drain(withProgress(src, "y.pcap", 4e6, (s) => out.push(s), { tty: true, everyMs: 500, now: () => t }));
    expect(out).toEqual(["\rreading y.pcap: 2.0 of 4.0 MB (50 %), 3 MB/s\x1b[K", "\rreading y.pcap: 4.0 of 4.0 MB (100 %), 3 MB/s\x1b[K", "\r\x1b[K"]);
    const quiet: string[] = [];
    await drain(withProgress(chunks([10, 10]), "z", 20, (s) => quiet.push(s), { tty: true, everyMs: 500, now: () => 0 }));
    expect(quiet).toEqual([]);
  });
});

// A live pipe, as in an incident: tcpdump -w - in a network namespace of its own, into `netmortem capture -`.
// Needs root (ip netns) and tcpdump; traffic stays inside the namespace's loopback.
const liveSkip = (() => {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  for (const t of ["ip", "tcpdump", "python3", "curl"]) if (spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0) return `missing ${t}`;
  return null;
})();

describe.skipIf(liveSkip !== null)("netmortem capture - (standard input)", () => {
  it("summarises a live tcpdump pipe once tcpdump is stopped", async () => {
    const ns = `nm-cli-${process.pid}`;
    const root = path.resolve(__dirname, "../..");
    const procs: ChildProcess[] = [];
    try {
      execFileSync("ip", ["netns", "add", ns]);
      execFileSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
      const server = spawn("ip", ["netns", "exec", ns, "timeout", "30", "python3", "-m", "http.server", "--bind", "127.0.0.1", "8099"], { stdio: "ignore" });
      procs.push(server);
      const dump = spawn("ip", ["netns", "exec", ns, "tcpdump", "-i", "lo", "-s", "0", "-U", "--immediate-mode", "-w", "-", "tcp", "port", "8099"], { stdio: ["ignore", "pipe", "pipe"] });
      procs.push(dump);
      const cli = spawn(process.execPath, [path.join(root, "cli/netmortem.js"), "capture", "-", "--json"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
      procs.push(cli);
      dump.stdout!.pipe(cli.stdin!);
      let out = "";
      cli.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      const cliDone = new Promise<number | null>((resolve) => cli.on("close", resolve));
      // tcpdump says "listening on lo" on stderr once it captures
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("tcpdump did not start")), 10_000);
        dump.stderr!.on("data", (d: Buffer) => {
          if (/listening on/.test(d.toString())) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      for (let i = 0; i < 3; i++) {
        const r = spawnSync("ip", ["netns", "exec", ns, "curl", "-s", "-o", "/dev/null", "--retry", "5", "--retry-connrefused", "--retry-delay", "1", "--max-time", "10", "http://127.0.0.1:8099/"]);
        expect(r.status).toBe(0);
      }
      // tcpdump hands over what its capture buffer holds when interrupted: give the last packets a moment
      await new Promise((r) => setTimeout(r, 1000));
      dump.kill("SIGINT");
      expect(await cliDone).toBe(0);
      const s = JSON.parse(out) as { format: string; flowsByState: Record<string, number>; flows: Array<{ resp: { port: number } }> };
      expect(s.format).toBe("pcap");
      expect(s.flowsByState.SF).toBeGreaterThanOrEqual(3);
      expect(s.flows.every((f) => f.resp.port === 8099)).toBe(true);
    } finally {
      // everything started inside the namespace, then the namespace itself
      const pids = spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
      if (pids.length) spawnSync("kill", ["-9", ...pids]);
      for (const p of procs) p.kill("SIGKILL");
      spawnSync("ip", ["netns", "del", ns]);
    }
  }, 60_000);
});
