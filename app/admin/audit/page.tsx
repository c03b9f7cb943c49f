import type { Metadata } from "next";
import { AuditLog } from "@/components/auth/AuditLog";
import { requireUser } from "../../_auth/session";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  await requireUser("admin");
  return <AuditLog />;
}
