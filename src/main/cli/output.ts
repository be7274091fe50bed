/** Writes text and gives back the exit code, so commands can `return print(...)`. */
export function print(text: string, code = 0, stream: NodeJS.WriteStream = process.stdout): number {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
  return code;
}

export function printJson(value: unknown): number {
  return print(JSON.stringify(value, null, 2));
}

/** Rows as aligned columns under a header, for people; `--json` gives the data itself. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
