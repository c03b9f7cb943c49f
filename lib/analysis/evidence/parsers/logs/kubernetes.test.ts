import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { recorded, RECORDED } from "../../testdata/paths";
import { recognise } from "../../registry";
import { kubernetesParser } from "./kubernetes";

const rec = (n: string) => fs.readFileSync(recorded("kubernetes", n), "utf8");
const written = (n: string) => fs.readFileSync(path.join(RECORDED, "../written", n), "utf8");
function k8s(text: string) {
  const r = kubernetesParser.parse(text);
  if (r.status !== "success") throw new Error(r.error);
  return r.data.kubernetes!;
}

describe("kubectl version (recorded: scripts/record/kubectl.sh)", () => {
  it("text: the server version, never the client's", () => {
    const t = rec("kubectl-version.txt");
    expect(recognise(t, "v.txt")?.kind).toBe("kubernetes");
    expect(k8s(t).version).toEqual({ value: "v1.24.17", line: 3 });
  });
  it("-o json: serverVersion.gitVersion (line 17)", () => {
    const t = rec("kubectl-version.json");
    expect(recognise(t, "v.json")?.kind).toBe("kubernetes");
    expect(k8s(t).version).toEqual({ value: "v1.24.17", line: 17 });
  });
  it("-o yaml: serverVersion gitVersion (line 17)", () => {
    const t = rec("kubectl-version.yaml");
    expect(recognise(t, "v.yaml")?.kind).toBe("kubernetes");
    expect(k8s(t).version).toEqual({ value: "v1.24.17", line: 17 });
  });
});

describe("services and NodePorts", () => {
  it("kubectl get svc -A -o json (recorded): nodePort fields", () => {
    const t = rec("kubectl-get-svc-A.json");
    expect(recognise(t, "svc.json")?.kind).toBe("kubernetes");
    expect(k8s(t).nodePorts).toEqual([{ value: 30080, line: 54 }, { value: 30443, line: 61 }, { value: 32201, line: 94 }]);
  });
  it("kubectl get svc -A table (written): NodePort and LoadBalancer rows only", () => {
    const t = written("kubectl-get-svc-A.txt");
    expect(recognise(t, "svc.txt")?.kind).toBe("kubernetes");
    expect(k8s(t).nodePorts).toEqual([{ value: 30080, line: 5 }, { value: 30443, line: 5 }, { value: 32201, line: 6 }]);
  });
});

describe("kube-proxy mode and the NodePort range", () => {
  it("KubeProxyConfiguration mode: \"ipvs\"", () => {
    const t = written("kube-proxy-config.yaml");
    expect(recognise(t, "cm.yaml")?.kind).toBe("kubernetes");
    expect(k8s(t).proxyMode).toEqual({ value: "ipvs", line: 16 });
  });
  it("kube-apiserver --service-node-port-range", () => {
    const t = written("kube-apiserver-args.txt");
    expect(recognise(t, "args.txt")?.kind).toBe("kubernetes");
    expect(k8s(t).nodePortRange).toEqual({ value: [30000, 32767], line: 7 });
  });
  it("well-formed but unknown: a ClusterIP-only table gives no NodePort", () => {
    const t = written("kubectl-get-svc-A.txt").split("\n").filter((l) => !/NodePort|LoadBalancer/.test(l)).join("\n");
    expect(k8s(t).nodePorts).toEqual([]);
  });
  it("unparseable: fails", () => {
    expect(kubernetesParser.parse("hello world\n").status).toBe("failed");
    expect(kubernetesParser.sniff("hello world\n", "kube.txt")).toBe(0);
  });
});
