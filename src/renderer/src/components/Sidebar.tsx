import { useRef } from "react";
import type { KeyboardEvent } from "react";
import { PAGES } from "../hooks/use-hash-route";
import type { PageId } from "../hooks/use-hash-route";
import { NavIcon } from "./NavIcon";
import "./Sidebar.css";

export function Sidebar({ current }: { current: PageId }) {
  const list = useRef<HTMLUListElement>(null);

  // Arrow keys move between the links, as in a menu; Tab still leaves the list.
  function onKeyDown(event: KeyboardEvent<HTMLUListElement>): void {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = Array.from(list.current?.querySelectorAll("a") ?? []);
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const step = event.key === "ArrowDown" ? 1 : -1;
    links[(index + step + links.length) % links.length]?.focus();
    event.preventDefault();
  }

  return (
    <nav className="sidebar" aria-label="Pages">
      <div className="sidebar-brand">
        <span className="sidebar-logo" aria-hidden="true">
          ⌂
        </span>
        Gatehouse
      </div>
      <ul ref={list} onKeyDown={onKeyDown}>
        {PAGES.map((page, index) => (
          <li key={page.id}>
            <a
              href={`#/${page.id}`}
              aria-current={page.id === current ? "page" : undefined}
              title={`${page.title} (Alt+${index + 1})`}
            >
              <NavIcon page={page.id} />
              {page.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
