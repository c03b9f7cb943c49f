/** Bundle reader: see README.md beside this file. */
export { readBundle, type ReadBundleOptions } from "./fs";
export {
  bundleFromInputs, groupHosts, expandArchive, captureKindOf, type BundleResult, type BundleSuccess, type BundleInput,
  type CaptureKind,
} from "./bundle";
export { hostLayout, sosreportHost, isMomentName, type HostLayout, type HostOf } from "./hosts";
export { DEFAULT_LIMITS, type BundleLimits, type BundleError, type BundleErrorCode } from "./limits";
export { readTar, type ArchiveEntry, type ArchiveResult } from "./tar";
export { readZip } from "./zip";
export { gunzipBounded } from "./gzip";
