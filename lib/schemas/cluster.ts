import { z } from "zod";
import { PageQuery, optionalText, queryFilter } from "./common";

export const CNIS = [
  "flannel",
  "calico",
  "cilium",
  "weave",
  "canal",
  "kube-router",
  "aws-vpc-cni",
  "azure-cni",
  "other",
] as const;
export const Cni = z.enum(CNIS);
export type Cni = z.infer<typeof Cni>;

export const KUBE_PROXY_MODES = ["iptables", "ipvs", "nftables", "ebpf", "none"] as const;
export const KubeProxyMode = z.enum(KUBE_PROXY_MODES);
export type KubeProxyMode = z.infer<typeof KubeProxyMode>;

/** 576 is the IPv4 minimum datagram every host must accept; 9216 the common jumbo-frame ceiling. */
export const Mtu = z.number().int().min(576).max(9216);

/** "low-high" within 1..65535, low <= high; the format of kube-apiserver's --service-node-port-range. */
export const NodePortRange = z
  .string()
  .trim()
  .max(11)
  .regex(/^\d{1,5}-\d{1,5}$/, "must look like 30000-32767")
  .refine((s) => {
    const [low, high] = s.split("-").map(Number);
    return low >= 1 && high <= 65535 && low <= high;
  }, "ports must be within 1..65535 and low <= high");

export const Cidr = z
  .string()
  .trim()
  .max(64)
  .refine(
    (s) => z.cidrv4().safeParse(s).success || z.cidrv6().safeParse(s).success,
    "must be an IPv4 or IPv6 CIDR such as 10.244.0.0/16",
  );

export const KubernetesVersion = z
  .string()
  .trim()
  .max(40)
  .regex(/^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.+-]*)?$/, "must look like 1.24.3");

const clusterFields = {
  name: z.string().trim().min(1).max(120),
  provider: optionalText(60),
  kubernetesVersion: KubernetesVersion.nullish(),
  cni: Cni.nullish(),
  cniMode: optionalText(40),
  underlayMtu: Mtu.nullish(),
  overlayMtu: Mtu.nullish(),
  nodePortRange: NodePortRange.nullish(),
  podCidr: Cidr.nullish(),
  serviceCidr: Cidr.nullish(),
  kubeProxyMode: KubeProxyMode.nullish(),
};

export const ClusterCreate = z.strictObject(clusterFields);
export type ClusterCreate = z.infer<typeof ClusterCreate>;

/** Absent = leave alone, null = clear. */
export const ClusterPatch = z.strictObject(clusterFields).partial();
export type ClusterPatch = z.infer<typeof ClusterPatch>;

export const ClusterListQuery = PageQuery.extend({ q: queryFilter(z.string().trim().max(120)) });
export type ClusterListQuery = z.infer<typeof ClusterListQuery>;

/** The wire shape of a cluster. */
export const Cluster = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string().nullable(),
  kubernetesVersion: z.string().nullable(),
  cni: Cni.nullable(),
  cniMode: z.string().nullable(),
  underlayMtu: z.number().nullable(),
  overlayMtu: z.number().nullable(),
  nodePortRange: z.string().nullable(),
  podCidr: z.string().nullable(),
  serviceCidr: z.string().nullable(),
  kubeProxyMode: KubeProxyMode.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Cluster = z.infer<typeof Cluster>;
