import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { IncidentView } from "@/components/incident/IncidentView";
import { isUuid } from "@/lib/client/filters";

export const metadata: Metadata = { title: "Incident" };

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isUuid(id)) notFound();
  return <IncidentView id={id.toLowerCase()} />;
}
