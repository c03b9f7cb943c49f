/**
 * Sending to the ingest API, with a spool for when the server cannot be reached.
 *
 * Every body gets an Idempotency-Key when it is made, and keeps it through every retry (the server answers a repeat
 * with the first answer, so a body sent twice is stored once). Bodies go gzip'd. When the server is unreachable, or
 * answers 5xx or 429, the body is written to the spool directory (bounded in files and bytes: the oldest are dropped
 * first when it is full, and said so) and sent later, oldest first, with exponential backoff; while anything is
 * spooled, new bodies queue behind it so the server sees them in order. 401/403 mean the token was refused: that
 * is reported as a TokenRefused error and nothing is dropped. Other 4xx mean the body itself is refused: it is
 * dropped with a log line (retrying cannot help).
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

export type Kind = "snapshots" | "captures";

/** The server refused what the agent was configured with (the token, or the incident it names): the agent stops (exit 3). */
export class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 401/403: the ingest token itself (unknown, revoked, expired, not an ingest token). */
export class TokenRefused extends Refused {}

export type SendResult =
  | { status: "sent"; httpStatus: number; data: unknown }
  | { status: "spooled"; why: string }
  /** `message`: the server's own (`code: message`) */
  | { status: "dropped"; why: string; httpStatus: number; message: string };

export type SenderOptions = {
  server: string;
  token: string;
  spoolDir: string;
  /** default 200 files */
  maxSpoolFiles?: number;
  /** default 64 MB */
  maxSpoolBytes?: number;
  /** first backoff (default 2 s), doubled per failure up to maxBackoffMs (default 60 s) */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** per request (default 30 s) */
  timeoutMs?: number;
  log?: (line: string) => void;
  userAgent?: string;
};

type Spooled = { file: string; kind: Kind; key: string };

export class Sender {
  readonly server: string;
  private readonly o: Required<Omit<SenderOptions, "log" | "userAgent">> & Pick<SenderOptions, "log" | "userAgent">;
  private failures = 0;
  private nextTry = 0;
  private seq = 0;
  /** bodies the server refused (a 4xx other than 401/403/408/429), sent now or from the spool */
  dropped = 0;
  /** a send in progress (SIGTERM waits for it) */
  inFlight: Promise<unknown> | null = null;

  constructor(opts: SenderOptions) {
    this.server = opts.server.replace(/\/+$/, "");
    this.o = { maxSpoolFiles: 200, maxSpoolBytes: 64 * 1024 * 1024, backoffMs: 2000, maxBackoffMs: 60_000, timeoutMs: 30_000, ...opts };
  }

  private log(line: string) {
    (this.o.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  /** when the next retry of the spool is due (ms since epoch; 0 = now) */
  get retryAt(): number {
    return this.nextTry;
  }

  /**
   * One HTTP request with node:http(s) (not fetch: undici costs the idle agent ~8 MB more RSS). Network errors throw
   * with their code (ECONNREFUSED, ENETUNREACH…); no answer within timeoutMs throws "timeout".
   */
  private request(method: "GET" | "POST", pathname: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    const url = new URL(`${this.server}${pathname}`);
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
      method,
      headers: { ...headers, authorization: `Bearer ${this.o.token}`, "user-agent": this.o.userAgent ?? "netmortem-agent", ...(body ? { "content-length": String(body.length) } : {}) },
      timeout: this.o.timeoutMs,
    });
    return new Promise((resolve, reject) => {
      req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${this.o.timeoutMs / 1000} s`), { code: "timeout" })));
      req.on("error", reject);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let n = 0;
        res.on("data", (c: Buffer) => {
          // an answer is small; a proxy's page is cut
          if (n < 1024 * 1024) chunks.push(c);
          n += c.length;
        });
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      });
      req.end(body);
    });
  }

  private async post(pathname: string, gz: Buffer, key: string, contentType = "application/json"): Promise<{ status: number; body: unknown; retryAfter?: number }> {
    const res = await this.request("POST", pathname, { "content-type": contentType, "content-encoding": "gzip", "idempotency-key": key }, gz);
    let body: unknown = res.text;
    try {
      body = JSON.parse(res.text);
    } catch {
      // not JSON (a proxy's error page): kept as text for the message
    }
    const ra = Number(res.headers["retry-after"]);
    return { status: res.status, body, retryAfter: Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined };
  }

  /** the server's message out of an error body (`{"error":{"code","message"}}`), or the text */
  static message(body: unknown): string {
    if (body && typeof body === "object" && "error" in body) {
      const e = (body as { error?: { code?: string; message?: string } }).error;
      return [e?.code, e?.message].filter(Boolean).join(": ");
    }
    return typeof body === "string" ? body.slice(0, 200) : JSON.stringify(body).slice(0, 200);
  }

  /** one attempt; throws TokenRefused; network errors come back as status 0 */
  private async attempt(kind: Kind, gz: Buffer, key: string): Promise<{ ok: boolean; retry: boolean; why: string; status: number; message?: string; data?: unknown; retryAfter?: number }> {
    let r: Awaited<ReturnType<Sender["post"]>>;
    try {
      r = await this.post(`/api/v1/ingest/${kind}`, gz, key);
    } catch (err) {
      const e = err as Error & { code?: string };
      const why = e.code === "timeout" ? e.message : (e.code ?? e.message);
      return { ok: false, retry: true, why: `server unreachable (${why})`, status: 0 };
    }
    if (r.status >= 200 && r.status < 300) {
      const data = r.body && typeof r.body === "object" && "data" in r.body ? (r.body as { data: unknown }).data : r.body;
      return { ok: true, retry: false, why: "", status: r.status, data };
    }
    if (r.status === 401 || r.status === 403) {
      throw new TokenRefused(
        r.status,
        `the server refused the ingest token (HTTP ${r.status}${Sender.message(r.body) ? `: ${Sender.message(r.body)}` : ""}). ` +
          "Check --token: it must be a live ingest token of the cluster this node belongs to (an admin makes one with POST /api/v1/clusters/{id}/ingest-tokens).",
      );
    }
    if (r.status === 429 || r.status >= 500 || r.status === 408) {
      return { ok: false, retry: true, why: `HTTP ${r.status} ${Sender.message(r.body)}`.trim(), status: r.status, retryAfter: r.retryAfter };
    }
    return { ok: false, retry: false, why: `HTTP ${r.status} ${Sender.message(r.body)}`.trim(), status: r.status, message: Sender.message(r.body) };
  }

  private backoff(retryAfter?: number) {
    this.failures++;
    const base = Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** (this.failures - 1));
    const jitter = base * (0.8 + Math.random() * 0.4);
    this.nextTry = Date.now() + Math.max(retryAfter ?? 0, Math.min(this.o.maxBackoffMs, jitter));
  }

  /**
   * Sends a body (an object that becomes JSON), or spools it. Throws TokenRefused (after spooling the body, so it is
   * not lost if the token is fixed).
   */
  async send(kind: Kind, body: unknown): Promise<SendResult> {
    const gz = gzipSync(Buffer.from(JSON.stringify(body)));
    const key = randomUUID();
    const p = this.sendGz(kind, gz, key);
    this.inFlight = p;
    try {
      return await p;
    } finally {
      if (this.inFlight === p) this.inFlight = null;
    }
  }

  /** writes a body to the spool without trying the server (--spool-only) */
  async spoolOnly(kind: Kind, body: unknown): Promise<SendResult> {
    await this.spool(kind, gzipSync(Buffer.from(JSON.stringify(body))), randomUUID());
    return { status: "spooled", why: "--spool-only" };
  }

  private async sendGz(kind: Kind, gz: Buffer, key: string): Promise<SendResult> {
    // anything waiting goes first: this body queues behind it
    if ((await this.spooled()).length > 0) {
      await this.spool(kind, gz, key);
      await this.flush();
      return (await this.spooled()).some((s) => s.key === key) ? { status: "spooled", why: "behind earlier bodies still waiting" } : { status: "sent", httpStatus: 202, data: null };
    }
    let r;
    try {
      r = await this.attempt(kind, gz, key);
    } catch (err) {
      if (err instanceof TokenRefused) await this.spool(kind, gz, key);
      throw err;
    }
    if (r.ok) {
      this.failures = 0;
      this.nextTry = 0;
      return { status: "sent", httpStatus: r.status, data: r.data };
    }
    if (!r.retry) {
      this.dropped++;
      this.log(`netmortem agent: the server refused a ${kind.slice(0, -1)} (${r.why}); it is dropped, not retried`);
      return { status: "dropped", why: r.why, httpStatus: r.status, message: r.message ?? "" };
    }
    await this.spool(kind, gz, key);
    this.backoff(r.retryAfter);
    this.log(`netmortem agent: ${r.why}; spooled, next try in ${Math.round((this.nextTry - Date.now()) / 1000)} s`);
    return { status: "spooled", why: r.why };
  }

  /** spooled bodies, oldest first */
  async spooled(): Promise<Spooled[]> {
    let names: string[];
    try {
      names = await readdir(this.o.spoolDir);
    } catch {
      return [];
    }
    return names
      .map((n) => /^(\d{13})-(\d{6})-(snapshots|captures)-([0-9a-f-]{36})\.json\.gz$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map((m) => ({ file: path.join(this.o.spoolDir, m[0]), kind: m[3] as Kind, key: m[4]! }));
  }

  private async spool(kind: Kind, gz: Buffer, key: string): Promise<void> {
    await mkdir(this.o.spoolDir, { recursive: true, mode: 0o700 });
    const name = `${Date.now()}-${String(this.seq++ % 1e6).padStart(6, "0")}-${kind}-${key}.json.gz`;
    const tmp = path.join(this.o.spoolDir, `.${name}.tmp`);
    await writeFile(tmp, gz, { mode: 0o600 });
    await rename(tmp, path.join(this.o.spoolDir, name));
    // bounded: drop the oldest beyond the bounds, and say so
    const all = await this.spooled();
    let bytes = 0;
    const sizes = await Promise.all(all.map(async (s) => (await stat(s.file).catch(() => ({ size: 0 }))).size));
    for (const s of sizes) bytes += s;
    let i = 0;
    while (i < all.length - 1 && (all.length - i > this.o.maxSpoolFiles || bytes > this.o.maxSpoolBytes)) {
      await unlink(all[i]!.file).catch(() => undefined);
      bytes -= sizes[i]!;
      this.log(`netmortem agent: spool full (${this.o.maxSpoolFiles} files / ${this.o.maxSpoolBytes} bytes): dropped the oldest, ${path.basename(all[i]!.file)}`);
      i++;
    }
  }

  /**
   * Sends spooled bodies oldest first until one fails (then backs off) or all are sent. Does nothing before the
   * backoff is over unless `force`. Returns how many were sent. Throws TokenRefused.
   */
  async flush(force = false): Promise<number> {
    if (!force && Date.now() < this.nextTry) return 0;
    let sent = 0;
    for (const s of await this.spooled()) {
      const gz = await readFile(s.file).catch(() => null);
      if (!gz) continue;
      const r = await this.attempt(s.kind, gz, s.key);
      if (r.ok || !r.retry) {
        if (!r.ok) {
          this.dropped++;
          this.log(`netmortem agent: the server refused a spooled ${s.kind.slice(0, -1)} (${r.why}); it is dropped`);
        }
        await unlink(s.file).catch(() => undefined);
        if (r.ok) sent++;
        continue;
      }
      this.backoff(r.retryAfter);
      this.log(`netmortem agent: ${r.why}; ${(await this.spooled()).length} waiting in the spool, next try in ${Math.round((this.nextTry - Date.now()) / 1000)} s`);
      return sent;
    }
    if (sent > 0) this.log(`netmortem agent: sent ${sent} spooled bod${sent === 1 ? "y" : "ies"}`);
    this.failures = 0;
    this.nextTry = 0;
    return sent;
  }

  /** GET with the token (capture requests); null when unreachable or refused with a non-token status */
  async get(pathname: string): Promise<unknown> {
    let res;
    try {
      res = await this.request("GET", pathname, {});
    } catch {
      return null;
    }
    let body: unknown = res.text;
    try {
      body = JSON.parse(res.text);
    } catch {
      // kept as text
    }
    if (res.status === 401 || res.status === 403) throw new TokenRefused(res.status, `the server refused the ingest token (HTTP ${res.status}: ${Sender.message(body)})`);
    if (res.status < 200 || res.status >= 300) return null;
    return body && typeof body === "object" && "data" in body ? (body as { data: unknown }).data : body;
  }

  /** a small JSON POST (a capture request's failure); false when it did not go through */
  /**
   * A small JSON body (a capture request's failure), sent once, plain: the server reads these routes with its
   * ordinary JSON reader, which takes no Content-Encoding (the gzip'd one was answered 400 and the request stayed
   * "claimed" until it expired).
   */
  async postJson(pathname: string, body: unknown): Promise<{ ok: boolean; why: string }> {
    try {
      const res = await this.request("POST", pathname, { "content-type": "application/json", "idempotency-key": randomUUID() }, Buffer.from(JSON.stringify(body)));
      if (res.status >= 200 && res.status < 300) return { ok: true, why: "" };
      let parsed: unknown = res.text;
      try {
        parsed = JSON.parse(res.text);
      } catch {
        // not JSON
      }
      return { ok: false, why: `HTTP ${res.status} ${Sender.message(parsed)}`.trim() };
    } catch (err) {
      return { ok: false, why: (err as Error).message };
    }
  }

  /** raw bytes (a pcap) for a stored capture: see PLAN.md's log (18:08) for the route */
  async postRaw(pathname: string, gz: Buffer, contentType: string): Promise<{ ok: boolean; why: string }> {
    try {
      const r = await this.post(pathname, gz, randomUUID(), contentType);
      if (r.status === 401 || r.status === 403) throw new TokenRefused(r.status, `the server refused the ingest token (HTTP ${r.status}: ${Sender.message(r.body)})`);
      return r.status >= 200 && r.status < 300 ? { ok: true, why: "" } : { ok: false, why: `HTTP ${r.status} ${Sender.message(r.body)}` };
    } catch (err) {
      if (err instanceof TokenRefused) throw err;
      return { ok: false, why: (err as Error).message };
    }
  }
}
