"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch, ApiError } from "./api";
import { queryKeys } from "./keys";
import {
  Cluster,
  ClusterNode,
  page,
  single,
  type Cni,
  type KubeProxyMode,
  type NodeRole,
} from "./models";

export type CreateClusterInput = {
  name: string;
  provider?: string;
  kubernetesVersion?: string;
  cni?: Cni;
  cniMode?: string;
  underlayMtu?: number;
  overlayMtu?: number;
  nodePortRange?: string;
  podCidr?: string;
  serviceCidr?: string;
  kubeProxyMode?: KubeProxyMode;
};

export type CreateNodeInput = { name: string; role: NodeRole; addresses: string[]; kernelVersion?: string };

export function useClusters(q = "") {
  return useInfiniteQuery({
    queryKey: queryKeys.clusters.list(q),
    queryFn: ({ pageParam, signal }) =>
      apiFetch(page(Cluster), "GET", "/clusters", { query: { q, limit: 100, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

const no4xxRetry = (count: number, err: Error) =>
  !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2;

export function useCluster(id: string) {
  return useQuery({
    queryKey: queryKeys.clusters.detail(id),
    queryFn: async ({ signal }) => (await apiFetch(single(Cluster), "GET", `/clusters/${id}`, { signal })).data,
    retry: no4xxRetry,
  });
}

export function useCreateCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateClusterInput) =>
      (await apiFetch(single(Cluster), "POST", "/clusters", { body: input })).data,
    onSuccess: (cluster) => {
      qc.setQueryData(queryKeys.clusters.detail(cluster.id), cluster);
      void qc.invalidateQueries({ queryKey: queryKeys.clusters.lists() });
    },
  });
}

export function useNodes(clusterId: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.clusters.nodes(clusterId),
    queryFn: ({ pageParam, signal }) =>
      apiFetch(page(ClusterNode), "GET", `/clusters/${clusterId}/nodes`, {
        query: { limit: 100, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: no4xxRetry,
  });
}

export function useCreateNode(clusterId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateNodeInput) =>
      (await apiFetch(single(ClusterNode), "POST", `/clusters/${clusterId}/nodes`, { body: input })).data,
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.clusters.nodes(clusterId) }),
  });
}
