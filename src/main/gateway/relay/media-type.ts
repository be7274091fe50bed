/** The media type of a Content-Type value or an Accept range: no parameters, lowercase. */
export function mediaType(value: string): string {
  const end = value.indexOf(";");
  return (end === -1 ? value : value.slice(0, end)).trim().toLowerCase();
}
