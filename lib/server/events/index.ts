export { publish, type PublishClient } from "./publish";
export { subscribe, stopHub, subscriberCount, type HubSignal } from "./hub";
export { openIncidentStream, SSE_HEADERS, REPLAY_LIMIT } from "./stream";
export { listPresence, joinPresence, leavePresence, PRESENCE_TTL_MS, type PresentUser } from "./presence";
export { LIVE_CHANNEL, LIVE_KINDS, LiveKind, LiveMessage, type LiveEvent } from "./model";
