/**
 * keepalive_timeout_mismatch (failure-patterns.md §6): a proxy reuses an idle upstream connection the
 * upstream has already closed, because the upstream's idle timeout is shorter than the proxy's.
 */
import { item, type Rule } from "../context";
import { Case } from "../signals";
import { keepaliveMismatches } from "../timeouts";
import { captureItem } from "./common";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

const REUSE_PHASES = /reading response header from upstream|sending request to upstream|reading upstream/i;

export const rule: Rule = {
  id: "keepalive_timeout_mismatch",
  run(ctx) {
    const c = new Case();
    let reuseErrors = 0;
    let connectErrors = 0;
    let logLines = 0;
    for (const h of ctx.hosts) {
      for (const e of h.logEvents) {
        logLines++;
        if (e.kind === "upstream_prematurely_closed" || e.kind === "connection_reset") {
          if (e.phase && /connecting to upstream/i.test(e.phase)) {
            connectErrors++;
            continue;
          }
          if (!e.phase || REUSE_PHASES.test(e.phase)) {
            reuseErrors++;
            if (reuseErrors <= 5) {
              c.support("reuse-symptom", "M", item(h.host, e.cite, `${e.kind === "upstream_prematurely_closed" ? "upstream prematurely closed connection" : "recv() failed (104: Connection reset by peer)"}${e.phase ? ` ${e.phase}` : ""}${e.upstream ? `, upstream ${e.upstream}` : ""}`));
            }
          }
        } else if (e.phase && /connecting to upstream/i.test(e.phase)) {
          // timeouts, refusals, errno 99/113 while connecting: the 502s come from connecting, not from reuse
          connectErrors++;
        }
      }
      // 502s answered without a new connect (upstream_response_time ~0) are the reuse race's signature
      const fast502 = h.accessLog.filter((a) => a.status === 502 && a.upstreamResponseTime.some((t) => t !== null && t < 0.05));
      if (fast502.length > 0) {
        const a = fast502[0]!;
        // the same failed requests as the error-log lines: one symptom, not an independent witness
        c.support("reuse-symptom", "M", item(h.host, a.cite, `${fast502.length} request(s) answered 502 within ${a.upstreamResponseTime.find((t) => t !== null)} s of upstream time${a.upstreamAddr.length ? ` (upstream ${a.upstreamAddr.join(", ")})` : ""}: the upstream connection failed immediately, as a reused connection closed by the upstream does`));
      }
    }
    for (const m of keepaliveMismatches(ctx.context.hops ?? [])) {
      c.condition("timeout-order", "H", { host: "(context)", file: "(timeout chain)", fact: m.text });
    }
    for (const cp of ctx.captures) {
      // upstream FIN, then a request on the same connection, then the upstream's RST; no SYN (a reused connection)
      const race = cp.summary.flows.filter((f) => f.proto === "tcp" && !f.history.includes("S") && /f.*D|f.*r/.test(f.history) && f.resets.resp > 0 && f.origBytes > 0);
      // a connection that already carried answered requests, then is reset by the upstream: the proxy wrote
      // into a connection the upstream had given up on (reuse after its idle timeout)
      const reused = cp.summary.flows.filter((f) => f.proto === "tcp" && f.resets.resp > 0 && f.resets.orig === 0 && f.respBytes > 0 && /d.*r/.test(f.history) && !f.history.includes("F") && !race.includes(f));
      if (reused.length > 0) {
        const f = reused[0]!;
        c.support("reused-reset", "M", captureItem(cp, `${reused.length} connection(s) reset by the server after it had already answered on them, e.g. ${f.orig.addr}:${f.orig.port} → ${f.resp.addr}:${f.resp.port} (history ${f.history}, ${f.origBytes} bytes sent vs ${f.respBytes} answered): a request written into a kept-alive connection the upstream had dropped`, f.firstIndex));
      }
      if (race.length > 0) {
        const f = race[0]!;
        c.support("fin-then-request", "H", captureItem(cp, `${race.length} reused connection(s) where the server's FIN is followed by a request and the server's RST, e.g. ${f.orig.addr}:${f.orig.port} → ${f.resp.addr}:${f.resp.port} (history ${f.history})`, f.firstIndex));
      }
    }
    ctx.check(`${logLines} proxy error-log events (prematurely closed / 104 reset while reading or sending), 502s with ~0 upstream time in access logs, idle-timeout order along ${ctx.context.hops?.length ?? 0} configured hops, FIN-then-request races in ${ctx.captures.length} captures`);
    if (!c.hasSignals) return null;
    if (connectErrors > 0 && connectErrors >= reuseErrors) {
      c.against(`${connectErrors} upstream error(s) happened while connecting to upstream: a connect problem (SYN loss), not a reused idle connection`, reuseErrors > 0 ? 0.7 : 0.4);
    }
    if (!c.has("timeout-order") && !c.has("fin-then-request")) {
      c.against("the proxy's and upstream's idle timeouts are not in the evidence (pass the hops) and no capture shows the FIN-then-request race", c.has("reused-reset") ? 0.9 : 0.85);
    }
    const next: NextStep[] = [];
    const proxy = ctx.hosts.find((h) => h.logEvents.some((e) => e.kind === "upstream_prematurely_closed" || e.kind === "connection_reset"))?.host ?? theHost(ctx, "the proxy that logs the 502s");
    const upstream = ctx.hosts.flatMap((h) => h.logEvents).find((e) => e.upstream)?.upstream;
    if (!c.has("timeout-order")) {
      next.push(step(proxy, "nginx -T 2>/dev/null | grep -nE 'keepalive(_timeout|_requests)?|upstream-keepalive|proxy_http_version'", "the proxy's upstream keep-alive idle timeout (ingress-nginx upstream-keepalive-timeout 60 s, nginx keepalive_timeout in the upstream block); pass it with --hop"));
      next.push(step(upstream ? `the upstream ${upstream}` : "the upstream application", "its idle / keep-alive timeout (Node.js server.keepAliveTimeout 5 s, gunicorn --keep-alive 2 s, Tomcat keepAliveTimeout = connectionTimeout 20 s)", "an upstream idle timeout shorter than the proxy's confirms the race; a longer one rules it out"));
    }
    if (!c.has("fin-then-request")) next.push(step(proxy, `tcpdump -i any -nn -c 500 '${upstream ? `host ${upstream.replace(/:\d+$/, "")} and ` : ""}tcp[tcpflags] & (tcp-fin|tcp-rst) != 0'`, "the upstream's FIN on an idle connection followed by the proxy's request and the upstream's RST confirms the reuse race"));
    return c.finding({
      next,
      id: "keepalive_timeout_mismatch",
      title: "Upstream closes idle keep-alive connections before the proxy does",
      summary: "The proxy or load balancer keeps idle upstream connections in its pool longer than the upstream keeps them open. When the upstream's idle timer fires first, a request written into that connection meets the upstream's FIN/RST and the client gets a 502 (\"upstream prematurely closed connection\", \"recv() failed (104: Connection reset by peer)\"), typically on the first request after an idle gap and more often at low traffic.",
      fix: [
        { command: "Make the upstream's idle timeout longer than the proxy's (Node.js: server.keepAliveTimeout = 65000 with headersTimeout above it; Tomcat keepAliveTimeout; gateway idle timeout > load balancer idle timeout)", risk: "More idle connections held open on the upstream." },
        { command: "Or lower the proxy's pool timeout below the upstream's (ingress-nginx upstream-keepalive-timeout, nginx upstream keepalive_timeout)", risk: "More TCP/TLS handshakes." },
        { command: "proxy_next_upstream … non_idempotent", risk: "Hides the error but can duplicate POSTs." },
      ],
      references: [
        "nginx/nginx@3f6f7824d4e2eb1ac37dec76683d525ac0ff521c src/http/ngx_http_upstream.c, src/http/modules/ngx_http_upstream_keepalive_module.c",
        "kubernetes/ingress-nginx@dbb11b92ddb77bee9c35e462479129354c84f939 internal/ingress/controller/config/config.go (upstream-keepalive-timeout 60)",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-idle-timeout.html",
      ],
    });
  },
};
