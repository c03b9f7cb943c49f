"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type ReactNode } from "react";

/**
 * A long list rendered as a window of rows (TanStack Virtual): the timeline's 1 000 events or 10 000 flows cost
 * the DOM a screenful. The scroll box is focusable so keyboard users can scroll it.
 */
export function VirtualRows<T>({
  rows,
  estimate,
  render,
  label,
  maxHeight = 520,
  getKey,
  testId,
  role = "list",
  onEndReached,
}: {
  rows: T[];
  estimate: number;
  render: (row: T, index: number) => ReactNode;
  label: string;
  maxHeight?: number;
  getKey: (row: T, index: number) => string;
  testId?: string;
  role?: "list" | "rowgroup";
  /** called when the last rows come into view (load the next page) */
  onEndReached?: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the brief's choice; this component is not memoised
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => box.current, estimateSize: () => estimate, overscan: 8 });
  const items = v.getVirtualItems();
  const last = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onEndReached && last >= rows.length - 10) onEndReached();
  }, [last, rows.length, onEndReached]);
  return (
    <div ref={box} tabIndex={0} aria-label={label} role="region" className="overflow-auto rounded-md border border-slate-200" style={{ maxHeight }} data-testid={testId}>
      <div role={role} style={{ height: v.getTotalSize(), position: "relative" }} aria-rowcount={role === "rowgroup" ? rows.length : undefined}>
        {items.map((it) => (
          <div
            key={getKey(rows[it.index]!, it.index)}
            role={role === "list" ? "listitem" : "row"}
            data-index={it.index}
            ref={v.measureElement}
            style={{ position: "absolute", top: 0, left: 0, width: "100%", transform: `translateY(${it.start}px)` }}
            aria-setsize={role === "list" ? rows.length : undefined}
            aria-posinset={role === "list" ? it.index + 1 : undefined}
          >
            {render(rows[it.index]!, it.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
