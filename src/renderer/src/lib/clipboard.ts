/** The async Clipboard API needs a secure context; loopback and file:// both are. */
export async function copyText(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
}
