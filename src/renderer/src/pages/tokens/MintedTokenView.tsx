import type { MintedToken } from "../../../../shared/ui-api";
import { CopyButton } from "../../components/CopyButton";
import { JsonBlock } from "../../components/JsonBlock";
import { formatDateTime, formatExpiry, shortKid } from "../../lib/format";

export function MintedTokenView({ minted }: { minted: MintedToken }) {
  return (
    <div className="minted stack">
      <div className="minted-token-row">
        <code className="minted-token" data-testid="minted-token">
          {minted.token}
        </code>
        <CopyButton text={minted.token} what="token" />
      </div>
      <p className="small muted">
        Signed with <code title={minted.kid}>{shortKid(minted.kid)}</code>, expires{" "}
        {formatDateTime(minted.expiresAt)} ({formatExpiry(minted.expiresAt)}). Send it as{" "}
        <code>Authorization: Bearer …</code>
      </p>
      <JsonBlock value={minted.claims} label="Claims of the minted token" />
    </div>
  );
}
