import type { Metadata } from "next";
import { NewIncidentForm } from "@/components/incident/NewIncidentForm";
import { parseIncidentFilters } from "@/lib/client/filters";

export const metadata: Metadata = { title: "Declare an incident" };

export default async function NewIncidentPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // /incidents/new?clusterId=… (linked from a cluster page) preselects that cluster.
  const { clusterId } = parseIncidentFilters(await searchParams);
  return <NewIncidentForm defaultClusterId={clusterId} />;
}
