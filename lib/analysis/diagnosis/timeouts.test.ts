import { describe, expect, it } from "vitest";
import { analyzeChain, configuredTimeouts, keepaliveMismatches } from "./timeouts";

describe("timeout chain", () => {
  it("default ingress-nginx (60 s pool) in front of a default Node.js app (5 s) is the textbook mismatch", () => {
    const m = keepaliveMismatches([{ name: "ingress", kind: "ingress-nginx" }, { name: "api", kind: "nodejs" }]);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ proxy: "ingress", upstream: "api", proxyIdle: 60, upstreamIdle: 5 });
  });
  it("Node keepAliveTimeout raised to 65 s fixes it", () => {
    expect(keepaliveMismatches([{ name: "ingress", kind: "ingress-nginx" }, { name: "api", kind: "nodejs", idleTimeout: 65 }])).toHaveLength(0);
  });
  it("an ALB (60 s) in front of nginx (keepalive_timeout 75 s) is safe; in front of Tomcat (20 s) it is not", () => {
    expect(keepaliveMismatches([{ name: "alb", kind: "aws-alb" }, { name: "nginx", kind: "nginx" }])).toHaveLength(0);
    expect(keepaliveMismatches([{ name: "alb", kind: "aws-alb" }, { name: "tomcat", kind: "tomcat" }])).toHaveLength(1);
  });
  it("ingress-nginx's default connect timeout is 5 s, nginx's 60 s", () => {
    const t = configuredTimeouts([{ name: "ingress", kind: "ingress-nginx" }, { name: "nginx", kind: "nginx" }]);
    expect(t.find((x) => x.name.startsWith("ingress connect"))?.seconds).toBe(5);
    expect(t.find((x) => x.name.startsWith("nginx connect"))?.seconds).toBe(60);
  });
  it("seed 002's chain (SLB 320 s, ingress 300 s, Tomcat 20 s): 31.7 s is the kernel's handshake retries, not a timeout", () => {
    const r = analyzeChain(
      [{ name: "slb", kind: "alibaba-slb", readTimeout: 320 }, { name: "ingress", kind: "ingress-nginx", readTimeout: 300 }, { name: "tomcat", kind: "tomcat", readTimeout: 20 }],
      [31.7],
      "3.10.0",
    );
    expect(r.latencies[0]!.kind).toBe("syn");
  });
});
