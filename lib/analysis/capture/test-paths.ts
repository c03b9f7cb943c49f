import path from "node:path";

/** the shared corpus, read in place (never copied into the project) */
export const CORPUS = path.resolve(__dirname, "../../../../shared/corpus/pcap");
export const TESTDATA = path.resolve(__dirname, "testdata");
