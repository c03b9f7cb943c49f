// The postmortem as a PDF: Chromium (the system's, through playwright-core) prints the public report page with the
// same print stylesheet as the browser's print. The headless page is let in by a share link made for this print
// alone (2 minutes, deleted right after, never listed), not by the user's cookie. One browser per process, a
// fresh context per PDF.
import { chromium, type Browser } from "playwright-core";
import { getPrisma } from "../db";
import { newShareToken } from "../services/share/share-links";

export const PDF_LINK_PREFIX = "pdf:";
const CHROMIUM = process.env.NETMORTEM_CHROMIUM ?? "/usr/bin/chromium";

const store = globalThis as typeof globalThis & { __netmortemBrowser?: Promise<Browser> };

function browser(): Promise<Browser> {
  if (!store.__netmortemBrowser) {
    const launching = chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    store.__netmortemBrowser = launching;
    launching.then(
      (b) => b.on("disconnected", () => {
        if (store.__netmortemBrowser === launching) store.__netmortemBrowser = undefined;
      }),
      () => {
        if (store.__netmortemBrowser === launching) store.__netmortemBrowser = undefined;
      },
    );
  }
  return store.__netmortemBrowser;
}

/** Where this server can reach itself (the PDF's page is fetched over loopback). */
export function selfOrigin(): string {
  if (process.env.NETMORTEM_INTERNAL_URL) return process.env.NETMORTEM_INTERNAL_URL.replace(/\/$/, "");
  const host = process.env.HOSTNAME && !["0.0.0.0", "::", ""].includes(process.env.HOSTNAME) ? process.env.HOSTNAME : "127.0.0.1";
  return `http://${host.includes(":") ? `[${host}]` : host}:${process.env.PORT ?? "3000"}`;
}

export async function reportPdf(incidentId: string, title: string): Promise<Buffer> {
  const prisma = await getPrisma();
  // leftovers of a print that crashed
  await prisma.shareLink.deleteMany({ where: { prefix: { startsWith: PDF_LINK_PREFIX }, createdAt: { lt: new Date(Date.now() - 5 * 60_000) } } });
  const t = newShareToken();
  const link = await prisma.shareLink.create({
    data: { incidentId, tokenHash: t.hash, prefix: `${PDF_LINK_PREFIX}${t.prefix}`, expiresAt: new Date(Date.now() + 2 * 60_000) },
  });
  const context = await (await browser()).newContext();
  try {
    const page = await context.newPage();
    const res = await page.goto(`${selfOrigin()}/r/${t.token}?print=1`, { waitUntil: "networkidle", timeout: 30_000 });
    if (!res || !res.ok()) throw new Error(`the report page answered ${res?.status() ?? "nothing"}`);
    await page.waitForSelector("[data-testid=report-document]", { timeout: 10_000 });
    return await page.pdf({
      format: "A4",
      printBackground: true,
      tagged: true,
      outline: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#475569">${escapeHtml(title)} · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
      margin: { top: "16mm", bottom: "18mm", left: "14mm", right: "14mm" },
    });
  } finally {
    await context.close().catch(() => undefined);
    await prisma.shareLink.delete({ where: { id: link.id } }).catch(() => undefined);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export async function closePdfBrowser(): Promise<void> {
  const b = store.__netmortemBrowser;
  store.__netmortemBrowser = undefined;
  if (b) await (await b).close().catch(() => undefined);
}
