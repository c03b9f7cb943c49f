import Link from "next/link";

/** An unknown incident id, or one the signed-in user may not see (the same answer: scoping never says which). */
export default function IncidentNotFound() {
  return (
    <div className="card mx-auto max-w-lg px-6 py-8 text-center">
      <p className="text-sm font-semibold text-slate-600">404</p>
      <h1 className="mt-1 text-xl font-semibold">Incident not found</h1>
      <p className="mt-2 text-sm text-slate-700">There is no incident with this id, or it belongs to a cluster you are not a member of.</p>
      <p className="mt-4 text-sm">
        <Link href="/incidents" className="font-medium text-sky-800 underline">
          Back to incidents
        </Link>
      </p>
    </div>
  );
}
