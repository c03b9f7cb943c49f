/**
 * findings → postmortem draft (toReport/toMarkdown, the CLI's), the war room's judged draft (draftReport) and the
 * CLI's plain-text view. Pure.
 */
export { Postmortem, ActionItem, ReportEvidence } from "./model";
export { formatText } from "./text";
export { toReport, toMarkdown } from "./postmortem";
export { draftReport, judgedAnalysis, utc, type DraftInput, type DraftDecision, type DraftTimelineEvent, type DraftActionItem, type DraftGap, type DraftIncident } from "./draft";
