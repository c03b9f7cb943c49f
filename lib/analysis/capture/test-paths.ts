import path from "node:path";
import { sharedPath } from "../../testing/shared";

/** the shared corpus, read in place (never copied into the project) */
export const CORPUS = sharedPath("corpus", "pcap");
export const TESTDATA = path.resolve(__dirname, "testdata");
