import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIncidentFilters, incidentFiltersToSearch } from "./filters";
import { validateCluster, validateIncident, validateNode, validateNote, checkNodePortRange } from "./forms";
import { formatLocal, formatUtc, parseDateTimeLocal, toIsoWithOffset } from "./time";
import { ApiError } from "./api";

// Node re-reads TZ when the variable changes, so the viewer's zone can be pinned for these tests.
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "Asia/Shanghai";
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const emptyIncident = {
  title: "",
  severity: "sev2",
  clusterId: "",
  startedAt: "",
  detectedAt: "",
  commander: "",
  summary: "",
};

describe("time", () => {
  it("reads datetime-local in the viewer's zone and sends the offset", () => {
    const d = parseDateTimeLocal("2026-11-22T10:30");
    expect(d).not.toBeNull();
    expect(toIsoWithOffset(d!)).toBe("2026-11-22T10:30:00+08:00");
    expect(d!.toISOString()).toBe("2026-11-22T02:30:00.000Z");
  });
  it("rejects impossible dates instead of rolling over", () => {
    expect(parseDateTimeLocal("2026-02-31T10:00")).toBeNull();
    expect(parseDateTimeLocal("yesterday")).toBeNull();
  });
  it("shows local time and UTC side by side", () => {
    expect(formatUtc("2026-11-22T02:30:05Z")).toBe("2026-11-22 02:30:05 UTC");
    expect(formatLocal("2026-11-22T02:30:05Z", { zone: false })).toBe("2026-11-22 10:30:05");
  });
});

describe("incident form", () => {
  it("requires a title and a start", () => {
    const r = validateIncident(emptyIncident);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(["startedAt", "title"]);
  });
  it("enforces the 200-character title bound (200 ok, 201 not)", () => {
    const base = { ...emptyIncident, startedAt: "2026-11-22T10:00" };
    expect(validateIncident({ ...base, title: "x".repeat(200) }).ok).toBe(true);
    expect(validateIncident({ ...base, title: "x".repeat(201) }).ok).toBe(false);
  });
  it("refuses detection before start", () => {
    const r = validateIncident({ ...emptyIncident, title: "t", startedAt: "2026-11-22T10:00", detectedAt: "2026-11-22T09:59" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.detectedAt).toMatch(/before/);
  });
  it("builds the request body with offsets and drops empty optionals", () => {
    const r = validateIncident({
      ...emptyIncident,
      title: "  DNS timeouts  ",
      startedAt: "2026-11-22T10:00",
      detectedAt: "2026-11-22T10:05",
    });
    expect(r).toEqual({
      ok: true,
      value: {
        title: "DNS timeouts",
        severity: "sev2",
        startedAt: "2026-11-22T10:00:00+08:00",
        detectedAt: "2026-11-22T10:05:00+08:00",
      },
    });
  });
});

describe("note form", () => {
  it("does not allow status-change notes", () => {
    expect(validateNote({ kind: "status-change", body: "x" }).ok).toBe(false);
    expect(validateNote({ kind: "key-moment", body: "x" }).ok).toBe(true);
  });
});

describe("cluster form", () => {
  const blank = {
    name: "prod",
    provider: "",
    kubernetesVersion: "",
    cni: "",
    cniMode: "",
    underlayMtu: "",
    overlayMtu: "",
    nodePortRange: "",
    podCidr: "",
    serviceCidr: "",
    kubeProxyMode: "",
  };
  it("checks MTU bounds 576..9216", () => {
    expect(validateCluster({ ...blank, underlayMtu: "575" }).ok).toBe(false);
    expect(validateCluster({ ...blank, underlayMtu: "576" }).ok).toBe(true);
    expect(validateCluster({ ...blank, underlayMtu: "9216" }).ok).toBe(true);
    expect(validateCluster({ ...blank, underlayMtu: "9217" }).ok).toBe(false);
  });
  it("checks node port ranges", () => {
    expect(checkNodePortRange("30000-32767")).toBeNull();
    expect(checkNodePortRange("32767-30000")).not.toBeNull();
    expect(checkNodePortRange("0-100")).not.toBeNull();
    expect(checkNodePortRange("30000")).not.toBeNull();
  });
  it("checks the Kubernetes version format", () => {
    expect(validateCluster({ ...blank, kubernetesVersion: "1.24.3" }).ok).toBe(true);
    expect(validateCluster({ ...blank, kubernetesVersion: "v1.29.4-eks-1" }).ok).toBe(true);
    expect(validateCluster({ ...blank, kubernetesVersion: "latest" }).ok).toBe(false);
  });
  it("checks CIDRs", () => {
    expect(validateCluster({ ...blank, podCidr: "10.244.0.0/16", serviceCidr: "fd00:10:96::/112" }).ok).toBe(true);
    expect(validateCluster({ ...blank, podCidr: "10.244.0.0" }).ok).toBe(false);
    expect(validateCluster({ ...blank, podCidr: "10.244.0.0/33" }).ok).toBe(false);
  });
  it("sends numbers for MTUs and only the fields that were filled", () => {
    expect(validateCluster({ ...blank, cni: "flannel", cniMode: "vxlan", underlayMtu: "1500", overlayMtu: "1450" })).toEqual({
      ok: true,
      value: { name: "prod", cni: "flannel", cniMode: "vxlan", underlayMtu: 1500, overlayMtu: 1450 },
    });
  });
});

describe("node form", () => {
  it("splits and checks addresses", () => {
    expect(validateNode({ name: "n1", role: "worker", addresses: "10.0.0.1, fe80::1", kernelVersion: "" })).toEqual({
      ok: true,
      value: { name: "n1", role: "worker", addresses: ["10.0.0.1", "fe80::1"] },
    });
    expect(validateNode({ name: "n1", role: "worker", addresses: "10.0.0.300", kernelVersion: "" }).ok).toBe(false);
  });
});

describe("filters", () => {
  it("keeps only known values", () => {
    expect(parseIncidentFilters({ status: "open", clusterId: "nope" })).toEqual({ status: "open" });
    expect(parseIncidentFilters({ status: "closed" })).toEqual({});
    const id = "3f2a6c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f";
    expect(incidentFiltersToSearch(parseIncidentFilters({ status: ["mitigated"], clusterId: id }))).toBe(
      `?status=mitigated&clusterId=${id}`,
    );
  });
});

describe("ApiError", () => {
  it("maps issue paths to top-level fields", () => {
    const e = new ApiError(400, "validation_failed", "bad", [
      { path: "title", message: "too long" },
      { path: "addresses.2", message: "bad ip" },
    ]);
    expect(e.fieldErrors()).toEqual({ title: "too long", addresses: "bad ip" });
  });
});
