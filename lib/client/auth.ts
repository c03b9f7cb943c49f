"use client";

// Hooks of the account and admin pages: personal tokens, users, cluster members and ingest tokens, the audit log.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { ApiToken, ApiTokenCreated, AuditEvent, ClusterMember, User, type RoleName } from "@/lib/schemas/auth";
import { apiFetch } from "./api";
import { page, single } from "./models";

export const authKeys = {
  tokens: ["tokens"] as const,
  ingestTokens: (clusterId: string) => ["clusters", "detail", clusterId, "ingest-tokens"] as const,
  members: (clusterId: string) => ["clusters", "detail", clusterId, "members"] as const,
  users: ["users"] as const,
  audit: (action: string) => ["audit", { action }] as const,
};

export function useMyTokens() {
  return useQuery({
    queryKey: authKeys.tokens,
    queryFn: async ({ signal }) => (await apiFetch(page(ApiToken), "GET", "/tokens", { query: { limit: 100 }, signal })).data,
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; role?: RoleName; expiresInDays?: number }) =>
      (await apiFetch(single(ApiTokenCreated), "POST", "/tokens", { body: input })).data,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.tokens }),
  });
}

export function useRevokeToken(invalidate: readonly unknown[] = authKeys.tokens) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => (await apiFetch(single(ApiToken), "DELETE", `/tokens/${id}`)).data,
    onSuccess: () => void qc.invalidateQueries({ queryKey: invalidate }),
  });
}

export function useIngestTokens(clusterId: string) {
  return useQuery({
    queryKey: authKeys.ingestTokens(clusterId),
    queryFn: async ({ signal }) =>
      (await apiFetch(page(ApiToken), "GET", `/clusters/${clusterId}/ingest-tokens`, { query: { limit: 100 }, signal })).data,
  });
}

export function useCreateIngestToken(clusterId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; expiresInDays?: number }) =>
      (await apiFetch(single(ApiTokenCreated), "POST", `/clusters/${clusterId}/ingest-tokens`, { body: input })).data,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.ingestTokens(clusterId) }),
  });
}

export function useMembers(clusterId: string) {
  return useQuery({
    queryKey: authKeys.members(clusterId),
    queryFn: async ({ signal }) => (await apiFetch(single(z.array(ClusterMember)), "GET", `/clusters/${clusterId}/members`, { signal })).data,
  });
}

export function useAddMember(clusterId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (userId: string) =>
      (await apiFetch(single(ClusterMember), "POST", `/clusters/${clusterId}/members`, { body: { userId } })).data,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.members(clusterId) }),
  });
}

export function useRemoveMember(clusterId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (userId: string) => {
      await apiFetch(z.unknown(), "DELETE", `/clusters/${clusterId}/members/${userId}`);
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.members(clusterId) }),
  });
}

export function useUsers() {
  return useQuery({
    queryKey: authKeys.users,
    queryFn: async ({ signal }) => (await apiFetch(page(User), "GET", "/users", { query: { limit: 100 }, signal })).data,
  });
}

export const UserCreated = User.extend({
  invite: z.object({ token: z.string(), path: z.string(), expiresAt: z.string() }).optional(),
});
export type UserCreated = z.infer<typeof UserCreated>;

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; email: string; role: RoleName; password?: string }) =>
      (await apiFetch(single(UserCreated), "POST", "/users", { body: input })).data,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.users }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...patch }: { id: string; role?: RoleName; disabled?: boolean; name?: string }) =>
      (await apiFetch(single(User), "PATCH", `/users/${id}`, { body: patch })).data,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.users }),
  });
}

export function useAudit(action: string) {
  return useInfiniteQuery({
    queryKey: authKeys.audit(action),
    queryFn: ({ pageParam, signal }) =>
      apiFetch(page(AuditEvent), "GET", "/audit", { query: { limit: 50, cursor: pageParam, action }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
