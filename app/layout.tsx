import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TopNav } from "@/components/layout/TopNav";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "netmortem", template: "%s · netmortem" },
  description: "A war room for container and Kubernetes network incidents.",
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: ReactNode }) {
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
          <TopNav />
          <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 outline-none">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
