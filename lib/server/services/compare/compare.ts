// GET …/compare/sources and GET …/compare?a=&b=: two hosts of the incident's evidence, or one node at two times
// (its agent snapshots), and what differs between them (lib/analysis/checklist compareHosts).
import { compareHosts } from "../../../analysis/checklist";
import { evidenceFromTexts } from "../../../analysis/evidence";
import type { HostEvidence } from "../../../analysis/evidence/model";
import { Id } from "../../../schemas/common";
import { CompareQuery, type CompareSources, type Comparison } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { nodeScope, visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { readTextBlobs } from "../../storage/text-blobs";
import { incidentView } from "../../warroom/view";

const SNAPSHOTS_PER_NODE = 20;

async function snapshotSources(actor: UserActor, incidentId: string): Promise<CompareSources> {
  const prisma = await getPrisma();
  const linked = await prisma.incidentNode.findMany({ where: { incidentId, node: nodeScope(actor) }, select: { nodeId: true, node: { select: { name: true } } } });
  const out: CompareSources = [];
  for (const l of linked) {
    const snaps = await prisma.nodeSnapshot.findMany({ where: { nodeId: l.nodeId }, orderBy: { takenAt: "desc" }, take: SNAPSHOTS_PER_NODE, select: { id: true, takenAt: true } });
    for (const s of snaps) out.push({ source: `snapshot:${s.id}`, label: `${l.node.name} at ${s.takenAt.toISOString().slice(0, 16).replace("T", " ")} UTC`, kind: "snapshot", at: s.takenAt.toISOString() });
  }
  return out;
}

export async function compareSources(actor: UserActor, incidentIdRaw: string): Promise<CompareSources> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  const view = await incidentView(incidentId);
  const hosts: CompareSources = view.hosts.map((h) => ({ source: `host:${h.host}`, label: `${h.host} (uploaded evidence)`, kind: "host", at: null }));
  return [...hosts, ...(await snapshotSources(actor, incidentId))];
}

async function resolve(actor: UserActor, incidentId: string, source: string): Promise<{ label: string; host: HostEvidence; node: string }> {
  if (source.startsWith("host:")) {
    const name = source.slice(5);
    const h = (await incidentView(incidentId)).hosts.find((x) => x.host === name);
    if (!h) throw new NotFoundError("host", name);
    return { label: name, host: h, node: name };
  }
  const id = Id.parse(source.slice(9));
  const prisma = await getPrisma();
  // a snapshot of a node linked to this incident, that the actor may see
  const snap = await prisma.nodeSnapshot.findFirst({
    where: { id, node: { AND: [nodeScope(actor), { incidents: { some: { incidentId } } }] } },
    select: { takenAt: true, evidenceId: true, node: { select: { name: true } } },
  });
  if (!snap) throw new NotFoundError("snapshot", id);
  const files = await prisma.evidenceFile.findMany({ where: { evidenceId: snap.evidenceId, blobSha256: { not: null } }, select: { path: true, blobSha256: true } });
  const texts = await readTextBlobs(prisma, files.map((f) => f.blobSha256!));
  const host = evidenceFromTexts(
    snap.node.name,
    files.filter((f) => texts.has(f.blobSha256!)).map((f) => ({ path: f.path, text: texts.get(f.blobSha256!)! })),
  );
  return { label: `${snap.node.name} at ${snap.takenAt.toISOString().slice(0, 16).replace("T", " ")} UTC`, host, node: snap.node.name };
}

export async function compare(actor: UserActor, incidentIdRaw: string, query: unknown): Promise<Comparison> {
  const incidentId = Id.parse(incidentIdRaw);
  const q = CompareQuery.parse(query);
  await visibleIncident(actor, incidentId);
  const [a, b] = await Promise.all([resolve(actor, incidentId, q.a), resolve(actor, incidentId, q.b)]);
  return compareHosts({ source: q.a, label: a.label, host: a.host }, { source: q.b, label: b.label, host: b.host }, { sameHost: a.node === b.node });
}
