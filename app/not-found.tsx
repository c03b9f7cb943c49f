import Link from "next/link";

export default function NotFound() {
  return (
    <div className="card mx-auto max-w-lg px-6 py-8 text-center">
      <p className="text-sm font-semibold text-slate-600">404</p>
      <h1 className="mt-1 text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-700">The page or record you asked for does not exist (or was never created here).</p>
      <p className="mt-4 text-sm">
        <Link href="/incidents" className="font-medium text-sky-800 underline">
          Back to incidents
        </Link>
      </p>
    </div>
  );
}
