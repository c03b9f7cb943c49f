"use client";

import { formatLocal, formatUtc, viewerZone } from "@/lib/client/time";

/**
 * A moment in the viewer's zone, the UTC instant on hover and in the machine-readable attribute. The
 * zone name is left out by default: screens say it once (<ZoneNote/>) instead of in every cell.
 */
export function LocalTime({
  value,
  seconds = true,
  zone = false,
  className,
}: {
  value: string;
  seconds?: boolean;
  zone?: boolean;
  className?: string;
}) {
  return (
    <time dateTime={value} title={formatUtc(value)} className={`tabular-nums ${className ?? ""}`}>
      {formatLocal(value, { seconds, zone })}
    </time>
  );
}

/** "times in GMT+8": rendered only on the client, where the viewer's zone is known. */
export function ZoneNote({ prefix = "times in " }: { prefix?: string }) {
  return (
    <span>
      {prefix}
      {viewerZone()}
    </span>
  );
}
