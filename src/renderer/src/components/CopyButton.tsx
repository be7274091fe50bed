import { useState } from "react";
import { copyText } from "../lib/clipboard";
import { useToast } from "./toast-context";

interface CopyButtonProps {
  text: string;
  /** The visible label; "Copy" unless a page has several copy buttons side by side. */
  label?: string;
  /** What is copied, for screen readers and the confirmation. */
  what?: string;
  small?: boolean;
}

export function CopyButton({ text, label = "Copy", what, small = false }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  const toast = useToast();

  async function copy(): Promise<void> {
    try {
      await copyText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      toast("The clipboard refused the copy: select the text and copy it by hand", "error");
    }
  }

  return (
    <button
      type="button"
      className={`button ${small ? "button-small" : ""}`}
      onClick={() => void copy()}
      aria-label={what ? `${label} ${what}` : undefined}
      title={what ? `Copy ${what}` : "Copy to the clipboard"}
    >
      {copied ? "Copied ✓" : label}
    </button>
  );
}
