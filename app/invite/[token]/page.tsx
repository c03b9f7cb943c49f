import type { Metadata } from "next";
import { InviteForm } from "@/components/auth/InviteForm";
import { inviteStatus } from "@/lib/server/services/user/accept-invite";

export const metadata: Metadata = { title: "Set your password", robots: { index: false } };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await inviteStatus(decodeURIComponent(token));
  if (!invite) {
    return (
      <div className="card mx-auto mt-10 max-w-md px-6 py-8">
        <h1 className="text-xl font-semibold">This invitation cannot be used</h1>
        <p className="mt-2 text-sm text-slate-700">It was used already, has expired, or the link is not complete. Ask an administrator for a new one.</p>
      </div>
    );
  }
  return <InviteForm token={decodeURIComponent(token)} email={invite.email} name={invite.name} />;
}
