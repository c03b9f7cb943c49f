// The postmortem as a PDF: the system Chromium (playwright-core) prints the report's Markdown rendered to HTML by
// the same remark/rehype pipeline react-markdown uses (GFM tables, raw HTML dropped), styled by the one print
// stylesheet the browser's print uses too (components/warroom/report/report-print.css, read as it is). The page is
// set from memory: no request back to this server, nobody's cookie, nothing fetched from the network. One browser
// per process, a fresh context per PDF.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

const CHROMIUM = process.env.NETMORTEM_CHROMIUM ?? "/usr/bin/chromium";
export const PRINT_CSS = path.join("components", "warroom", "report", "report-print.css");

const store = globalThis as typeof globalThis & { __netmortemBrowser?: Promise<Browser> };

function browser(): Promise<Browser> {
  if (!store.__netmortemBrowser) {
    const launching = chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    store.__netmortemBrowser = launching;
    const forget = () => {
      if (store.__netmortemBrowser === launching) store.__netmortemBrowser = undefined;
    };
    launching.then((b) => b.on("disconnected", forget), forget);
  }
  return store.__netmortemBrowser;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The report as a standalone HTML document (what Chromium prints). */
export async function reportHtml(markdown: string, title: string): Promise<string> {
  const body = String(await unified().use(remarkParse).use(remarkGfm).use(remarkRehype).use(rehypeStringify).process(markdown));
  const css = await readFile(path.resolve(/*turbopackIgnore: true*/ process.cwd(), PRINT_CSS), "utf8");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{margin:0;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}${css}</style></head>
<body><article class="report-print-root"><div class="report-doc">${body}</div></article></body></html>`;
}

export async function reportPdf(markdown: string, title: string): Promise<Buffer> {
  const html = await reportHtml(markdown, title);
  const context = await (await browser()).newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: "load" });
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
  }
}

export async function closePdfBrowser(): Promise<void> {
  const b = store.__netmortemBrowser;
  store.__netmortemBrowser = undefined;
  if (b) await (await b).close().catch(() => undefined);
}
