import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";
import "./report-print.css";

/**
 * The postmortem as a document: the same markup on the war room's preview, the public page /r/<token> and the
 * server's PDF (which prints /r/… with Chromium), styled by one stylesheet (report-print.css, screen and print).
 * react-markdown builds React elements and renders no raw HTML, so a report cannot inject markup.
 */
export function ReportDocument({ markdown }: { markdown: string }) {
  // react-markdown 10 refuses a className prop: the wrapper carries it
  return (
    <div className="report-doc" data-testid="report-document">
      <Markdown remarkPlugins={[remarkGfm]}>{markdown}</Markdown>
    </div>
  );
}
