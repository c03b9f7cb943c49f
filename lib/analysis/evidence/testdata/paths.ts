/** Where tests find the shared corpus (read in place, never copied) and this folder's recorded outputs. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sharedPath } from "../../../testing/shared";

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, "../../../..");
export const CORPUS = sharedPath("corpus");
export const RECORDED = path.join(here, "recorded");
export const corpus = (...p: string[]) => path.join(CORPUS, ...p);
export const recorded = (...p: string[]) => path.join(RECORDED, ...p);
