"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { SignOutButton } from "@/components/auth/SignOutButton";
import { useCan, useCurrentUser } from "@/components/auth/CurrentUser";

const items = [
  { href: "/incidents", label: "Incidents", role: "viewer" },
  { href: "/clusters", label: "Clusters", role: "viewer" },
  { href: "/admin/users", label: "Users", role: "admin" },
  { href: "/admin/audit", label: "Audit log", role: "admin" },
] as const;

export function TopNav() {
  const pathname = usePathname() ?? "";
  const user = useCurrentUser();
  const isAdmin = useCan("admin");
  const canRespond = useCan("responder");
  return (
    <header className="bg-slate-900 text-slate-100">
      <div className="mx-auto flex h-12 max-w-6xl items-center gap-6 px-4">
        <Link href="/incidents" className="flex items-center gap-2 font-semibold tracking-tight text-white">
          <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full bg-red-500" />
          netmortem
        </Link>
        <nav aria-label="Main">
          <ul className="flex items-center gap-1 text-sm">
            {items
              .filter((it) => it.role !== "admin" || isAdmin)
              .map((it) => {
                const active = pathname === it.href || pathname.startsWith(`${it.href}/`);
                return (
                  <li key={it.href}>
                    <Link
                      href={it.href}
                      aria-current={active ? "page" : undefined}
                      className={`rounded px-2.5 py-1.5 ${active ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white"}`}
                    >
                      {it.label}
                    </Link>
                  </li>
                );
              })}
          </ul>
        </nav>
        <div className="ml-auto flex items-center gap-3">
          {canRespond ? (
            <Link
              href="/incidents/new"
              className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-500"
            >
              Declare incident
            </Link>
          ) : null}
          {user ? (
            <>
              <Link
                href="/account"
                aria-current={pathname === "/account" ? "page" : undefined}
                className="rounded px-2.5 py-1.5 text-sm text-slate-300 hover:bg-slate-800 hover:text-white"
                title={`${user.email} (${user.role})`}
              >
                <span className="sr-only">Account: </span>
                {user.name}{" "}
                <span className="ml-1 rounded bg-slate-700 px-1.5 py-0.5 text-xs text-slate-200">{user.role}</span>
              </Link>
              <SignOutButton />
            </>
          ) : null}
        </div>
      </div>
    </header>
  );
}
