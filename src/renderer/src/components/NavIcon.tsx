import type { PageId } from "../hooks/use-hash-route";

/** Line icons drawn as SVG: symbol glyphs are missing from many system fonts. */
const PATHS: Record<PageId, string> = {
  overview: "M3 12h4l3-8 4 16 3-8h4",
  config: "M4 6h16M4 12h10M4 18h16M17 10l3 2-3 2",
  keys: "M14 10a4 4 0 1 0-3.5 3.97L9 15.5V18h2.5v2H14l.97-.97A4 4 0 0 0 14 10zM15.5 8.5h.01",
  tokens: "M4 7h16v10H4zM8 11h4M8 14h8",
  requests: "M7 4v16M4 17l3 3 3-3M17 20V4M14 7l3-3 3 3",
  playground: "M7 5v14l12-7z",
  access: "M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z",
  clients: "M4 5h16v11H4zM9 20h6M12 16v4",
};

export function NavIcon({ page }: { page: PageId }) {
  return (
    <svg
      className="nav-icon"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={PATHS[page]} />
    </svg>
  );
}
