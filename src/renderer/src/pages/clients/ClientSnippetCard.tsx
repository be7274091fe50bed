import type { ClientSnippet } from "../../../../shared/ui-api";
import { CopyButton } from "../../components/CopyButton";

export function ClientSnippetCard({ snippet }: { snippet: ClientSnippet }) {
  return (
    <section className="card snippet" aria-label={snippet.client}>
      <div className="card-header">
        <div>
          <h2>{snippet.client}</h2>
          <p className="small muted">
            Goes in <code>{snippet.where}</code>
          </p>
        </div>
        <CopyButton text={snippet.text} what={`${snippet.client} config`} />
      </div>
      <pre className="snippet-text">{snippet.text}</pre>
    </section>
  );
}
