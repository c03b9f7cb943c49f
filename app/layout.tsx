import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { CurrentUserProvider } from "@/components/auth/CurrentUser";
import { TopNav } from "@/components/layout/TopNav";
import { requireUser } from "./_auth/session";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "netmortem", template: "%s · netmortem" },
  description: "A war room for container and Kubernetes network incidents.",
  icons: { icon: "/favicon.svg" },
};

/** Pages outside the signed-in app: no navigation, nothing about the user or the incidents. */
const BARE = [/^\/sign-in$/, /^\/setup$/, /^\/invite(\/|$)/, /^\/r\//];

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes every page dynamic, which the CSP nonce (proxy.ts) needs.
  const pathname = (await headers()).get("x-pathname") ?? "";
  const bare = BARE.some((re) => re.test(pathname));
  // Every page outside BARE needs a session (proxy.ts only looked for the cookie; this checks it).
  const actor = bare ? null : await requireUser();
  const user = actor ? { id: actor.userId, name: actor.name, email: actor.email, role: actor.role } : null;
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only z-50 rounded bg-white px-3 py-2 text-sm font-semibold text-slate-900 focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
        >
          Skip to content
        </a>
        <Providers>
          <CurrentUserProvider user={user}>
            {bare ? null : <TopNav />}
            <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 outline-none">
              {children}
            </main>
          </CurrentUserProvider>
        </Providers>
      </body>
    </html>
  );
}
