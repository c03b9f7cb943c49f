import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ClusterView } from "@/components/cluster/ClusterView";
import { isUuid } from "@/lib/client/filters";

export const metadata: Metadata = { title: "Cluster" };

export default async function ClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isUuid(id)) notFound();
  return <ClusterView id={id.toLowerCase()} />;
}
