/**
 * deploy/kubernetes/agent.yaml: a schema check and the policy. kubeconform cannot be installed here (it is not
 * in Debian and fetches its JSON schemas at run time), so the check below carries the schema of the object types the
 * manifest uses, written from the Kubernetes API reference (v1.31, core/v1 and apps/v1): every field must be a field
 * of its type (a typo such as `readOnlyRootFileSystem` fails), with the right JSON type, and quantities, enums and
 * references must hold. Then the policy: hostNetwork, least capabilities, read-only root, limits, the token from a
 * Secret, a ServiceAccount without API access and without bindings, the agent's own options.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const docs = parseAllDocuments(readFileSync(path.join(here, "agent.yaml"), "utf8")).map((d) => {
  if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join("; "));
  return d.toJS() as Record<string, unknown>;
});

// a small JSON-schema-like description: { field: type }, where a type is a primitive name, an object type's name,
// or [type] for a list of it; "map" is a string→string map
type T = string | [string];
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[mkMGTPE]|e\d+)?$/;
const TYPES: Record<string, Record<string, T>> = {
  ObjectMeta: { name: "string", namespace: "string", labels: "map", annotations: "map", generateName: "string" },
  Namespace: { apiVersion: "string", kind: "string", metadata: "ObjectMeta", spec: "object" },
  ServiceAccount: { apiVersion: "string", kind: "string", metadata: "ObjectMeta", automountServiceAccountToken: "boolean", imagePullSecrets: ["LocalObjectReference"], secrets: ["object"] },
  Secret: { apiVersion: "string", kind: "string", metadata: "ObjectMeta", type: "string", data: "map", stringData: "map", immutable: "boolean" },
  DaemonSet: { apiVersion: "string", kind: "string", metadata: "ObjectMeta", spec: "DaemonSetSpec" },
  DaemonSetSpec: { selector: "LabelSelector", template: "PodTemplateSpec", updateStrategy: "DaemonSetUpdateStrategy", minReadySeconds: "integer", revisionHistoryLimit: "integer" },
  LabelSelector: { matchLabels: "map", matchExpressions: ["object"] },
  DaemonSetUpdateStrategy: { type: "string", rollingUpdate: "RollingUpdateDaemonSet" },
  RollingUpdateDaemonSet: { maxUnavailable: "intOrString", maxSurge: "intOrString" },
  PodTemplateSpec: { metadata: "ObjectMeta", spec: "PodSpec" },
  PodSpec: {
    serviceAccountName: "string", automountServiceAccountToken: "boolean", hostNetwork: "boolean", hostPID: "boolean", hostIPC: "boolean",
    dnsPolicy: "string", tolerations: ["Toleration"], terminationGracePeriodSeconds: "integer", securityContext: "PodSecurityContext",
    containers: ["Container"], initContainers: ["Container"], volumes: ["Volume"], nodeSelector: "map", priorityClassName: "string",
    affinity: "object", imagePullSecrets: ["LocalObjectReference"], restartPolicy: "string",
  },
  Toleration: { key: "string", operator: "string", value: "string", effect: "string", tolerationSeconds: "integer" },
  PodSecurityContext: { seccompProfile: "SeccompProfile", runAsUser: "integer", runAsGroup: "integer", runAsNonRoot: "boolean", fsGroup: "integer", supplementalGroups: ["integer"] },
  SeccompProfile: { type: "string", localhostProfile: "string" },
  Container: {
    name: "string", image: "string", imagePullPolicy: "string", command: ["string"], args: ["string"], env: ["EnvVar"],
    securityContext: "SecurityContext", resources: "ResourceRequirements", volumeMounts: ["VolumeMount"], ports: ["object"],
    livenessProbe: "object", readinessProbe: "object", workingDir: "string",
  },
  EnvVar: { name: "string", value: "string", valueFrom: "EnvVarSource" },
  EnvVarSource: { fieldRef: "ObjectFieldSelector", secretKeyRef: "SecretKeySelector" },
  ObjectFieldSelector: { fieldPath: "string", apiVersion: "string" },
  SecretKeySelector: { name: "string", key: "string", optional: "boolean" },
  SecurityContext: {
    runAsUser: "integer", runAsGroup: "integer", runAsNonRoot: "boolean", privileged: "boolean", allowPrivilegeEscalation: "boolean",
    readOnlyRootFilesystem: "boolean", capabilities: "Capabilities", seccompProfile: "SeccompProfile",
  },
  Capabilities: { add: ["string"], drop: ["string"] },
  ResourceRequirements: { requests: "quantities", limits: "quantities" },
  VolumeMount: { name: "string", mountPath: "string", readOnly: "boolean", subPath: "string" },
  Volume: { name: "string", secret: "SecretVolumeSource", emptyDir: "EmptyDirVolumeSource", hostPath: "object", configMap: "object" },
  SecretVolumeSource: { secretName: "string", defaultMode: "integer", items: ["KeyToPath"], optional: "boolean" },
  KeyToPath: { key: "string", path: "string", mode: "integer" },
  EmptyDirVolumeSource: { medium: "string", sizeLimit: "quantity" },
  LocalObjectReference: { name: "string" },
};
const API: Record<string, string> = { Namespace: "v1", ServiceAccount: "v1", Secret: "v1", DaemonSet: "apps/v1" };

function check(v: unknown, t: T, at: string, errs: string[]): void {
  if (Array.isArray(t)) {
    if (!Array.isArray(v)) return void errs.push(`${at}: a list expected`);
    v.forEach((x, i) => check(x, t[0], `${at}[${i}]`, errs));
    return;
  }
  const prim: Record<string, (x: unknown) => boolean> = {
    string: (x) => typeof x === "string",
    boolean: (x) => typeof x === "boolean",
    integer: (x) => Number.isInteger(x),
    intOrString: (x) => Number.isInteger(x) || (typeof x === "string" && /^\d+%?$/.test(x)),
    object: (x) => typeof x === "object" && x !== null && !Array.isArray(x),
    map: (x) => typeof x === "object" && x !== null && Object.values(x).every((y) => typeof y === "string"),
    quantity: (x) => typeof x === "string" && QUANTITY.test(x),
    quantities: (x) => typeof x === "object" && x !== null && Object.entries(x).every(([k, y]) => ["cpu", "memory", "ephemeral-storage"].includes(k) && typeof y === "string" && QUANTITY.test(y)),
  };
  if (prim[t]) {
    if (!prim[t](v)) errs.push(`${at}: ${t} expected, got ${JSON.stringify(v)}`);
    return;
  }
  const fields = TYPES[t]!;
  if (typeof v !== "object" || v === null) return void errs.push(`${at}: ${t} expected`);
  for (const [k, x] of Object.entries(v)) {
    if (!(k in fields)) errs.push(`${at}.${k}: not a field of ${t}`);
    else check(x, fields[k]!, `${at}.${k}`, errs);
  }
}

const byKind = (k: string) => docs.filter((d) => d.kind === k) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("deploy/kubernetes/agent.yaml", () => {
  it("every object is of a known kind and version, and every field is a field of its type", () => {
    const errs: string[] = [];
    for (const d of docs) {
      const kind = String(d.kind);
      expect(API[kind], `kind ${kind}`).toBeDefined();
      expect(d.apiVersion, kind).toBe(API[kind]);
      check(d, kind, kind, errs);
    }
    expect(errs).toEqual([]);
  });

  it("the schema check fails on a misspelt field (the check can fail)", () => {
    const errs: string[] = [];
    check({ readOnlyRootFileSystem: true }, "SecurityContext", "x", errs);
    check({ limits: { memory: "lots" } }, "ResourceRequirements", "y", errs);
    expect(errs).toHaveLength(2);
  });

  const ds = byKind("DaemonSet")[0]!;
  const pod = ds.spec.template.spec;
  const c = pod.containers[0];

  it("a DaemonSet on the node's network, on every node, its selector matching its pods", () => {
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(pod.hostPID).not.toBe(true);
    expect(pod.tolerations).toContainEqual({ operator: "Exists" });
    expect(ds.spec.template.metadata.labels).toMatchObject(ds.spec.selector.matchLabels);
    expect(pod.containers).toHaveLength(1);
  });

  it("least privilege: no privilege, read-only root, capabilities NET_ADMIN and NET_RAW only, limits", () => {
    expect(c.securityContext.privileged).toBe(false);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.securityContext.capabilities.drop).toEqual(["ALL"]);
    expect([...c.securityContext.capabilities.add].sort()).toEqual(["NET_ADMIN", "NET_RAW"]);
    expect(pod.securityContext.seccompProfile.type).toBe("RuntimeDefault");
    expect(Object.keys(c.resources.limits).sort()).toEqual(["cpu", "memory"]);
    expect(Object.keys(c.resources.requests).sort()).toEqual(["cpu", "memory"]);
    // what it writes goes to bounded emptyDirs
    for (const m of c.volumeMounts.filter((x: { readOnly?: boolean }) => !x.readOnly)) {
      const vol = pod.volumes.find((v: { name: string }) => v.name === m.name);
      expect(vol.emptyDir?.sizeLimit, m.name).toMatch(QUANTITY);
    }
  });

  it("the token comes from the Secret, as a file the agent reads; no API token, no role", () => {
    const sa = byKind("ServiceAccount")[0]!;
    expect(pod.serviceAccountName).toBe(sa.metadata.name);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(docs.filter((d) => /Role|Binding/.test(String(d.kind)))).toEqual([]);
    const secret = byKind("Secret")[0]!;
    const tokenVol = pod.volumes.find((v: { secret?: { secretName: string } }) => v.secret?.secretName === secret.metadata.name);
    expect(tokenVol).toBeDefined();
    expect(Object.keys(secret.stringData)).toContain(tokenVol.secret.items[0].key);
    const mount = c.volumeMounts.find((m: { name: string }) => m.name === tokenVol.name);
    expect(mount.readOnly).toBe(true);
    expect(c.args).toContain(`--token-file=${mount.mountPath}/${tokenVol.secret.items[0].path}`);
    expect(c.args.join(" ")).not.toMatch(/--token[= ](?!file)/);
    for (const d of docs) if (d.metadata && d.kind !== "Namespace") expect((d.metadata as { namespace: string }).namespace).toBe("netmortem");
  });

  it("the agent's options are options the agent has (its --help), and its node name is the node's", () => {
    const help = readFileSync(path.join(here, "../../cli/commands/agent.ts"), "utf8");
    for (const a of c.args as string[]) expect(help, a).toContain(`  ${a.split("=")[0]}`);
    expect(c.env).toContainEqual({ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } });
    expect(c.args).toContain("--node=$(NODE_NAME)");
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });
});
