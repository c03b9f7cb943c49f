import type { ReactNode } from "react";

export function Badge({ className = "", children, title }: { className?: string; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center rounded px-1.5 py-0.5 text-[11px] leading-4 font-semibold tracking-wide whitespace-nowrap uppercase ${className}`}
    >
      {children}
    </span>
  );
}
