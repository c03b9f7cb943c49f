// GET …/charts: what the war room's charts draw (schedules, capture histograms, latencies, timeouts).
import { Id } from "../../../schemas/common";
import type { ChartData } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { incidentView } from "../../warroom/view";

export async function getCharts(actor: UserActor, incidentIdRaw: string): Promise<ChartData> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  return (await incidentView(incidentId)).charts;
}
