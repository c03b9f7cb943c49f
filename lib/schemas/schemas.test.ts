import { describe, expect, it } from "vitest";
import { ClusterCreate, ClusterListQuery, ClusterPatch, NodePortRange } from "./cluster";
import { IncidentCreate, IncidentListQuery, IncidentStatusChange, STATUS_TRANSITIONS } from "./incident";
import { NodeCreate } from "./node";
import { TimelineEventCreate } from "./timeline";

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (r.error?.issues ?? []).map((i) => i.path.join("."));

describe("cluster", () => {
  it("accepts a full cluster as the API documents it", () => {
    const r = ClusterCreate.safeParse({
      name: " prod ",
      cni: "aws-vpc-cni",
      kubernetesVersion: "v1.28.2-eks-1",
      underlayMtu: 9001,
      overlayMtu: 576,
      nodePortRange: "1-65535",
      podCidr: "10.244.0.0/16",
      serviceCidr: "fd00::/108",
      kubeProxyMode: "nftables",
      provider: "",
    });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ name: "prod", provider: null });
  });

  it.each([
    ["30000-32767", true],
    ["32767-30000", false],
    ["0-100", false],
    ["1-65536", false],
    ["30000", false],
    ["a-b", false],
  ])("node port range %s -> %s", (s, ok) => {
    expect(NodePortRange.safeParse(s).success).toBe(ok);
  });

  it("bounds every field and rejects unknown ones", () => {
    const r = ClusterCreate.safeParse({
      name: "n".repeat(121),
      provider: "p".repeat(61),
      cniMode: "m".repeat(41),
      underlayMtu: 9217,
      overlayMtu: 1450.5,
      podCidr: "10.0.0.1",
      serviceCidr: "2001:db8::/129",
      kubernetesVersion: "latest",
      color: "red",
    });
    expect(paths(r).sort()).toEqual(
      ["", "cniMode", "kubernetesVersion", "name", "overlayMtu", "podCidr", "provider", "serviceCidr", "underlayMtu"].sort(),
    );
  });

  it("a patch may be partial but not rename to empty", () => {
    expect(ClusterPatch.safeParse({}).success).toBe(true);
    expect(ClusterPatch.safeParse({ name: "" }).success).toBe(false);
    expect(ClusterPatch.safeParse({ cni: null }).success).toBe(true);
  });

  it("list query: limit defaults to 25, blank q is no filter", () => {
    expect(ClusterListQuery.parse({})).toEqual({ limit: 25 });
    expect(ClusterListQuery.parse({ q: "", limit: "100" })).toEqual({ limit: 100 });
    expect(ClusterListQuery.safeParse({ limit: "1e3" }).success).toBe(false);
  });
});

describe("node", () => {
  it("defaults role and addresses, checks each address", () => {
    expect(NodeCreate.parse({ name: "n1" })).toEqual({ name: "n1", role: "worker", addresses: [] });
    const r = NodeCreate.safeParse({ name: "n1", addresses: ["10.0.0.1", "::1", "10.0.0.256", "host"] });
    expect(paths(r)).toEqual(["addresses.2", "addresses.3"]);
    expect(NodeCreate.safeParse({ name: "n1", addresses: Array(17).fill("10.0.0.1") }).success).toBe(false);
    expect(NodeCreate.safeParse({ name: "x".repeat(254) }).success).toBe(false);
  });
});

describe("incident", () => {
  it("requires an offset on times", () => {
    const base = { title: "t", severity: "sev1" };
    expect(IncidentCreate.safeParse({ ...base, startedAt: "2024-01-01T00:00:00+08:00" }).success).toBe(true);
    expect(IncidentCreate.safeParse({ ...base, startedAt: "2024-01-01T00:00:00" }).success).toBe(false);
    expect(IncidentCreate.safeParse({ ...base, startedAt: "yesterday" }).success).toBe(false);
  });

  it("cannot be created with a status", () => {
    expect(paths(IncidentCreate.safeParse({ title: "t", severity: "sev1", status: "resolved" }))).toEqual([""]);
  });

  it("status change needs a positive integer version", () => {
    expect(IncidentStatusChange.safeParse({ to: "open", expectedVersion: 1 }).success).toBe(true);
    expect(IncidentStatusChange.safeParse({ to: "open", expectedVersion: 0 }).success).toBe(false);
    expect(IncidentStatusChange.safeParse({ to: "open", expectedVersion: "1" }).success).toBe(false);
    expect(IncidentStatusChange.safeParse({ to: "closed", expectedVersion: 1 }).success).toBe(false);
  });

  it("transitions are the five the contract allows", () => {
    const pairs = Object.entries(STATUS_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`));
    expect(pairs.sort()).toEqual(
      ["mitigated->open", "mitigated->resolved", "open->mitigated", "open->resolved", "resolved->open"].sort(),
    );
  });

  it("list filters reject unknown values", () => {
    expect(IncidentListQuery.safeParse({ status: "open", clusterId: "0b6f5f9e-3f65-4f3e-9a53-2a3f0e6c1d10" }).success).toBe(true);
    expect(IncidentListQuery.safeParse({ status: "done" }).success).toBe(false);
    expect(IncidentListQuery.safeParse({ clusterId: "42" }).success).toBe(false);
  });
});

describe("timeline", () => {
  it("refuses hand-written status-change events and empty bodies", () => {
    expect(TimelineEventCreate.safeParse({ kind: "key-moment", body: "SYN drops start" }).success).toBe(true);
    expect(TimelineEventCreate.safeParse({ kind: "status-change", body: "x" }).success).toBe(false);
    expect(TimelineEventCreate.safeParse({ kind: "note", body: "  " }).success).toBe(false);
    expect(TimelineEventCreate.safeParse({ kind: "note", body: "b".repeat(10_001) }).success).toBe(false);
  });
});
