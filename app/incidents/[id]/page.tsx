import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { requireUser } from "@/app/_auth/session";
import { ChecklistPanel } from "@/components/warroom/checklist/Checklist";
import { WarRoom } from "@/components/warroom/WarRoom";
import { WAR_ROOM_TABS, type WarRoomTab } from "@/components/warroom/tabs";
import { Loading } from "@/components/ui/States";
import { isUuid } from "@/lib/client/filters";
import { NotFoundError } from "@/lib/server/errors";
import { getIncident } from "@/lib/server/services/incident/get";
import { checklistOf } from "@/lib/server/services/checklist/get";
import { listPeople } from "@/lib/server/services/warroom/people";

export const metadata: Metadata = { title: "War room" };

/** The checklist, computed on the server and streamed in behind the incident's header. */
async function ServerChecklist({ id, canEdit }: { id: string; canEdit: boolean }) {
  return <ChecklistPanel incidentId={id} initial={await checklistOf(id)} canEdit={canEdit} />;
}

export default async function IncidentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ tab?: string }> }) {
  const { id: raw } = await params;
  if (!isUuid(raw)) notFound();
  const id = raw.toLowerCase();
  const user = await requireUser();
  let incident;
  try {
    incident = await getIncident(user, id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const { tab: t } = await searchParams;
  const tab: WarRoomTab = WAR_ROOM_TABS.includes(t as WarRoomTab) ? (t as WarRoomTab) : "checklist";
  const canEdit = user.role !== "viewer";
  return (
    <WarRoom
      incident={incident}
      viewer={{ id: user.userId, name: user.name, role: user.role }}
      tab={tab}
      people={await listPeople(user)}
      checklist={
        <Suspense fallback={<Loading label="Computing the checklist…" />}>
          <ServerChecklist id={id} canEdit={canEdit} />
        </Suspense>
      }
    />
  );
}
