import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/SignInForm";
import { setupNeeded } from "@/lib/server/auth/setup";
import { currentUser, safeNext } from "../_auth/session";

export const metadata: Metadata = { title: "Sign in", robots: { index: false } };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  if (await setupNeeded()) redirect("/setup");
  if (await currentUser()) redirect(next);
  return <SignInForm next={next} />;
}
