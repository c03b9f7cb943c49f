import type { Metadata } from "next";
import { UsersAdmin } from "@/components/auth/UsersAdmin";
import { requireUser } from "../../_auth/session";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requireUser("admin");
  return <UsersAdmin meId={me.userId} />;
}
