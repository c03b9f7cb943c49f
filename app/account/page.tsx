import type { Metadata } from "next";
import { AccountView } from "@/components/auth/AccountView";
import { requireUser } from "../_auth/session";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  return <AccountView user={{ id: user.userId, name: user.name, email: user.email, role: user.role }} />;
}
