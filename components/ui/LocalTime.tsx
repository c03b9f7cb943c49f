"use client";

import { formatLocal, formatUtc } from "@/lib/client/time";

/** A moment in the viewer's zone, the UTC instant on hover and in the machine-readable attribute. */
export function LocalTime({ value, seconds = true, className }: { value: string; seconds?: boolean; className?: string }) {
  return (
    <time dateTime={value} title={formatUtc(value)} className={`tabular-nums ${className ?? ""}`}>
      {formatLocal(value, { seconds })}
    </time>
  );
}
