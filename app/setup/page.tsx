import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SetupForm } from "@/components/auth/SetupForm";
import { setupNeeded } from "@/lib/server/auth/setup";

export const metadata: Metadata = { title: "Set up", robots: { index: false } };

/** The one-time first-start page: only while no account exists. */
export default async function SetupPage() {
  if (!(await setupNeeded())) notFound();
  return <SetupForm />;
}
