// GET …/checklist: the computed checklist of the latest analysis with people's ticks, notes and manual checks.
import { withEntries } from "../../../analysis/checklist";
import { Id } from "../../../schemas/common";
import type { ChecklistView } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { incidentView } from "../../warroom/view";
import { entriesOf } from "./entries";

export async function checklistOf(incidentId: string): Promise<ChecklistView> {
  const [view, entries] = await Promise.all([incidentView(incidentId), getPrisma().then((p) => entriesOf(p, incidentId))]);
  return { ...withEntries(view.checklist, entries), analysisId: view.analysisId };
}

export async function getChecklist(actor: UserActor, incidentIdRaw: string): Promise<ChecklistView> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  return checklistOf(incidentId);
}
