/**
 * The agent's loop in-process against a loopback server that answers slowly: SIGTERM (stop()) during a send lets
 * that send finish (the server gets the body, nothing is left in the spool), then the loop ends with 0.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { Agent } from "./agent";
import { ITEMS } from "./collect";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("Agent", () => {
  it("SIGTERM during a send: the send finishes, then the agent ends with 0", { timeout: 30_000 }, async () => {
    const got: string[] = [];
    let requestArrived: () => void = () => undefined;
    const arrived = new Promise<void>((r) => (requestArrived = r));
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        requestArrived();
        // answer 1.5 s later: the stop comes in between
        setTimeout(() => {
          got.push(JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8")).node as string);
          res.writeHead(202, { "content-type": "application/json" });
          res.end(JSON.stringify({ data: { id: "e", nodeId: "n", status: "received", duplicate: false } }));
        }, 1500);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const spoolDir = mkdtempSync(path.join(tmpdir(), "netmortem-agent-loop-"));
    dirs.push(spoolDir);
    const logs: string[] = [];
    const agent = new Agent({
      server: `http://127.0.0.1:${port}`,
      token: "t",
      node: "node-t",
      intervalMs: 60_000,
      once: false,
      spoolDir,
      pollMs: 0,
      // two quick items: the loop, not the collection, is under test
      collectOptions: { items: ITEMS.filter((i) => i.name === "proc-net-netstat.txt" || i.name === "uname-r.txt") },
      log: (l) => logs.push(l),
    });
    const running = agent.run();
    await arrived;
    const t0 = Date.now();
    agent.stop();
    expect(await running).toBe(0);
    // it waited for the answer rather than dropping the send
    expect(Date.now() - t0).toBeGreaterThan(1000);
    expect(got).toEqual(["node-t"]);
    expect(readdirSync(spoolDir).filter((f) => f.endsWith(".gz"))).toEqual([]);
    expect(logs.join("\n")).toMatch(/snapshot of node-t sent[\s\S]*stopped \(SIGTERM\)/);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
