/**
 * The node agent's loop: collect → snapshot → send (or spool), every interval; a capture per tick when asked
 * (`--capture`); capture requests from the war room polled between ticks (no inbound port on the node). SIGTERM
 * (the `stop` signal here) lets the current send finish, then the loop ends; a tcpdump running at that moment is
 * stopped and its capture dropped.
 */
import { hostname } from "node:os";
import { gzipSync } from "node:zlib";
import { readFile } from "node:fs/promises";
import type { CaptureSummary } from "../analysis/capture/model";
import type { Redactor } from "../analysis/redact/redactor";
import { redactCapture } from "../analysis/redact/pcap";
import { CaptureIngest, CaptureRequestForAgent, NodeName, SnapshotIngest, type AgentInfo } from "../schemas/ingest";
import { CaptureError, runCapture, summarizeFile, type CaptureSpec } from "./capture";
import { collect, type CollectOptions } from "./collect";
import { Refused, Sender, type SendResult } from "./send";
import { AGENT_VERSION } from "./version";

export type AgentOptions = {
  server: string;
  token: string;
  node?: string;
  intervalMs: number;
  once: boolean;
  spoolDir: string;
  /** collect and spool, never contact the server (a node without a way to it: the spool is carried, then --flush) */
  spoolOnly?: boolean;
  /** collect nothing: send what the spool holds, oldest first, then exit */
  flushOnly?: boolean;
  capture?: CaptureSpec & { sendRaw?: boolean };
  /** poll for capture requests this often (default 15 s; 0: never) */
  pollMs?: number;
  redactor?: Redactor;
  incidentId?: string;
  collectOptions?: CollectOptions;
  senderOptions?: { backoffMs?: number; maxBackoffMs?: number; maxSpoolFiles?: number; maxSpoolBytes?: number };
  log?: (line: string) => void;
};

export function defaultNodeName(): string {
  const n = process.env.NODE_NAME || hostname();
  return NodeName.safeParse(n).success ? n : n.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "") || "node";
}

export class Agent {
  private readonly sender: Sender;
  private readonly node: string;
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly captureAbort = new AbortController();
  private readonly log: (line: string) => void;
  private readonly seenRequests = new Set<string>();
  snapshotsSent = 0;

  constructor(private readonly o: AgentOptions) {
    this.log = o.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.sender = new Sender({ server: o.server, token: o.token, spoolDir: o.spoolDir, log: this.log, userAgent: `netmortem-agent/${AGENT_VERSION}`, ...o.senderOptions });
    const node = o.node ?? defaultNodeName();
    this.node = o.redactor ? o.redactor.host(node) : node;
  }

  /** SIGTERM: finish the current send, then end */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.captureAbort.abort();
    this.wake?.();
  }

  private info(kernel?: string, netns?: string): AgentInfo {
    return { version: AGENT_VERSION, ...(kernel ? { kernel } : {}), ...(netns ? { netns: netns.slice(0, 120) } : {}) };
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** One snapshot: collected, checked against the contract, sent (or spooled). */
  async snapshot(): Promise<void> {
    const t0 = Date.now();
    const c = await collect(this.o.collectOptions);
    const r = this.o.redactor;
    const body = SnapshotIngest.parse({
      node: this.node,
      takenAt: new Date(t0).toISOString(),
      agent: this.info(c.kernel, c.netns),
      outputs: r ? c.outputs.map((x) => ({ ...x, content: r.text(x.content) })) : c.outputs,
      skipped: c.skipped,
      ...(this.o.incidentId ? { incidentId: this.o.incidentId } : {}),
    });
    const res = this.o.spoolOnly ? await this.sender.spoolOnly("snapshots", body) : await this.sender.send("snapshots", body);
    this.refusedIncident(res, "snapshot");
    const skipped = c.skipped.length ? `; skipped ${c.skipped.map((s) => `${s.command} (${s.reason})`).join(", ")}` : "";
    if (res.status === "sent") {
      this.snapshotsSent++;
      this.log(`netmortem agent: snapshot of ${this.node} sent (${c.outputs.length} outputs${skipped})`);
    } else {
      this.log(`netmortem agent: snapshot of ${this.node} ${res.status} (${res.why})${skipped}`);
    }
  }

  /**
   * A body naming an incident that the server does not find (404) is a setting that is wrong for every later body
   * too: the incident is another cluster's than the token's (the server answers an object the token may not see
   * exactly like a missing one), or it does not exist. The agent stops and says so, as for a refused token.
   */
  private refusedIncident(res: SendResult, what: string): void {
    if (res.status !== "dropped" || res.httpStatus !== 404 || !this.o.incidentId) return;
    throw new Refused(
      404,
      `the server refused the ${what} for incident ${this.o.incidentId} (HTTP 404${res.message ? `: ${res.message}` : ""}): ` +
        "that incident is not in the cluster of this ingest token, or does not exist. Check --incident, and that --token is an ingest token of the incident's cluster.",
    );
  }

  /** One capture, summarised here and sent; `requestId` when the war room asked for it. */
  async capture(spec: CaptureSpec & { sendRaw?: boolean }, requestId?: string): Promise<void> {
    const takenAt = new Date().toISOString();
    let res;
    try {
      res = await runCapture(spec, this.captureAbort.signal);
    } catch (err) {
      if (err instanceof CaptureError) {
        this.log(`netmortem agent: capture on ${spec.iface} not taken: ${err.message}`);
        // the war room asked for it: say why it did not come (PLAN.md log, 18:12)
        if (requestId) {
          const r = await this.sender.postJson(`/api/v1/ingest/capture-requests/${encodeURIComponent(requestId)}/failure`, { error: err.message.slice(0, 500) });
          if (!r.ok) this.log(`netmortem agent: could not tell the server that capture request ${requestId} failed (${r.why})`);
        }
        return;
      }
      throw err;
    }
    try {
      if (this.stopping) return;
      let summary: CaptureSummary = await summarizeFile(res.file);
      const r = this.o.redactor;
      if (r) summary = r.json(summary);
      const body = CaptureIngest.parse({
        node: this.node,
        takenAt,
        agent: this.info(),
        capture: { iface: spec.iface, seconds: Math.round(res.seconds * 1000) / 1000, ...(spec.filter ? { filter: r ? r.text(spec.filter) : spec.filter } : {}), ...(res.tcpdump ? { tcpdump: res.tcpdump } : {}) },
        summary,
        ...(requestId ? { requestId } : {}),
        ...(this.o.incidentId ? { incidentId: this.o.incidentId } : {}),
      });
      const sent = await this.sender.send("captures", body);
      this.refusedIncident(sent, "capture");
      const extra = res.stoppedBy ? `, stopped early by ${res.stoppedBy}` : "";
      this.log(`netmortem agent: capture on ${spec.iface} (${summary.packets} packets, ${summary.flows.length} flows${extra}) ${sent.status}`);
      if (spec.sendRaw && sent.status === "sent") {
        const id = (sent.data as { id?: string } | null)?.id;
        let pcap: Uint8Array = await readFile(res.file);
        if (r) pcap = redactCapture(pcap, r);
        const raw = id ? await this.sender.postRaw(`/api/v1/ingest/captures/${encodeURIComponent(id)}/raw`, gzipSync(pcap), "application/vnd.tcpdump.pcap") : { ok: false, why: "no capture id in the answer" };
        this.log(`netmortem agent: raw capture ${raw.ok ? "sent" : `not sent (${raw.why})`}`);
      }
    } finally {
      await res.cleanup();
    }
  }

  /** Asks the server what the war room wants captured on this node, and captures it. */
  async pollRequests(): Promise<void> {
    const data = await this.sender.get(`/api/v1/ingest/capture-requests?node=${encodeURIComponent(this.node)}`);
    if (!Array.isArray(data)) return;
    for (const raw of data) {
      const req = CaptureRequestForAgent.safeParse(raw);
      if (!req.success || this.seenRequests.has(req.data.id) || this.stopping) continue;
      this.seenRequests.add(req.data.id);
      this.log(`netmortem agent: capture requested from the war room: ${req.data.iface} for ${req.data.seconds} s${req.data.filter ? ` (${req.data.filter})` : ""}`);
      await this.capture({ iface: req.data.iface, seconds: Math.min(req.data.seconds, 3600), filter: req.data.filter ?? undefined, sendRaw: req.data.sendRaw }, req.data.id);
    }
  }

  /** The loop. Returns the exit code: 0, or 3 when the token was refused. */
  async run(): Promise<number> {
    try {
      if (this.o.flushOnly) {
        const sent = await this.sender.flush(true);
        const left = (await this.sender.spooled()).length;
        const dropped = this.sender.dropped ? `; ${this.sender.dropped} refused by the server and dropped` : "";
        this.log(`netmortem agent: sent ${sent} spooled bod${sent === 1 ? "y" : "ies"} from ${this.o.spoolDir}${left ? `; ${left} still waiting` : ""}${dropped}`);
        return left > 0 || this.sender.dropped > 0 ? 1 : 0;
      }
      if (!this.o.spoolOnly) await this.sender.flush(true);
      for (;;) {
        const tick = Date.now();
        await this.snapshot();
        if (this.o.capture && !this.stopping) await this.capture(this.o.capture);
        if (this.o.once) {
          if (this.o.spoolOnly) return 0;
          // --once: what is still spooled stays for the next run
          await this.sender.flush(true);
          const left = (await this.sender.spooled()).length;
          if (left > 0) this.log(`netmortem agent: ${left} bod${left === 1 ? "y" : "ies"} left in the spool (${this.o.spoolDir}) for the next run`);
          return left > 0 || this.sender.dropped > 0 ? 1 : 0;
        }
        // until the next tick: retry the spool when its backoff is over, poll for capture requests
        const pollMs = this.o.pollMs ?? 15_000;
        let nextPoll = Date.now();
        while (!this.stopping) {
          const now = Date.now();
          const due = tick + this.o.intervalMs;
          if (now >= due) break;
          if (this.sender.retryAt > 0 && now >= this.sender.retryAt) await this.sender.flush();
          if (pollMs > 0 && now >= nextPoll) {
            await this.pollRequests();
            nextPoll = Date.now() + pollMs;
          }
          const wakeAt = Math.min(due, pollMs > 0 ? nextPoll : due, this.sender.retryAt > 0 ? Math.max(this.sender.retryAt, Date.now() + 100) : due);
          await this.sleep(wakeAt - Date.now());
        }
        if (this.stopping) {
          this.log("netmortem agent: stopped (SIGTERM)");
          return 0;
        }
      }
    } catch (err) {
      if (err instanceof Refused) {
        this.log(`netmortem agent: ${err.message}`);
        return 3;
      }
      throw err;
    }
  }
}
