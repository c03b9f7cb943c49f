import type { Metadata } from "next";
import { IncidentList } from "@/components/incident/IncidentList";
import { parseIncidentFilters } from "@/lib/client/filters";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <IncidentList filters={parseIncidentFilters(await searchParams)} />;
}
