// The war room's tabs, in a plain module: the server page reads them too (a "use client" module's exports other
// than components reach the server only as references).
export const WAR_ROOM_TABS = ["checklist", "evidence", "findings", "charts", "compare", "report", "timeline"] as const;
export type WarRoomTab = (typeof WAR_ROOM_TABS)[number];
