/** Bundle reader: see README.md beside this file. */
export {
  readBundle, captureNotes, type ReadBundleOptions, type BundleResult, type BundleSuccess, type BundleCapture, type Unreadable,
} from "./fs";
export {
  walkBundle, captureKindOf, type WalkEntry, type WalkText, type WalkCapture, type WalkSkipped, type WalkOptions,
  type WalkResult, type WalkSuccess, type BytesInput,
} from "./walk";
export { groupHosts, assembleHosts, type BundleInput, type EntryRecord, type CaptureKind } from "./bundle";
export { hostLayout, sosreportHost, isMomentName, type HostLayout, type HostOf } from "./hosts";
export { DEFAULT_LIMITS, type BundleLimits, type BundleError, type BundleErrorCode } from "./limits";
export { displayName, ioMessage } from "./names";
export { expandArchive, type ArchiveEntry } from "./memory";
