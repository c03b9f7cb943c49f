import { z } from "zod";
import { PageQuery, optionalText } from "./common";
import { NodeFacts } from "./snapshot";

export const NODE_ROLES = ["control-plane", "worker", "other"] as const;
export const NodeRole = z.enum(NODE_ROLES);
export type NodeRole = z.infer<typeof NodeRole>;

export const IpAddress = z
  .string()
  .trim()
  .max(45)
  .refine((s) => z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success, "must be an IPv4 or IPv6 address");

const nodeFields = {
  // 253: the longest DNS name, which is what a Kubernetes node name is.
  name: z.string().trim().min(1).max(253),
  role: NodeRole,
  addresses: z.array(IpAddress).max(16),
  kernelVersion: optionalText(80),
};

export const NodeCreate = z.strictObject({
  ...nodeFields,
  role: nodeFields.role.default("worker"),
  addresses: nodeFields.addresses.default([]),
});
export type NodeCreate = z.infer<typeof NodeCreate>;

export const NodePatch = z.strictObject(nodeFields).partial();
export type NodePatch = z.infer<typeof NodePatch>;

export const NodeListQuery = PageQuery;
export type NodeListQuery = z.infer<typeof NodeListQuery>;

export const ClusterNode = z.object({
  id: z.string(),
  clusterId: z.string(),
  name: z.string(),
  role: NodeRole,
  addresses: z.array(z.string()),
  kernelVersion: z.string().nullable(),
  /** what the latest agent snapshot said: interfaces with kind and MTU, route MTUs (null: no snapshot yet) */
  facts: NodeFacts.nullable(),
  lastSnapshotAt: z.string().nullable(),
  agentVersion: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ClusterNode = z.infer<typeof ClusterNode>;
