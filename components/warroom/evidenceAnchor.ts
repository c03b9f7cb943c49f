/** The id of an evidence file's row in the evidence list, so a cited fact can link to it. */
export function evidenceAnchor(host: string, file: string): string {
  return `ev-${`${host}/${file}`.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 120)}`;
}
