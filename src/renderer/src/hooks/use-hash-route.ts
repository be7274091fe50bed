import { useEffect, useState } from "react";

export const PAGES = [
  { id: "overview", title: "Overview" },
  { id: "config", title: "Config" },
  { id: "keys", title: "Keys" },
  { id: "tokens", title: "Tokens" },
  { id: "requests", title: "Requests" },
  { id: "playground", title: "Playground" },
  { id: "access", title: "Access" },
  { id: "clients", title: "Clients" },
] as const;

export type PageId = (typeof PAGES)[number]["id"];

export interface HashRoute {
  page: PageId;
  params: URLSearchParams;
}

/** `#/requests?denied=1` → { page: "requests", params: denied=1 }; unknown pages → overview. */
export function parseHash(hash: string): HashRoute {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const page = PAGES.find((candidate) => candidate.id === path)?.id ?? "overview";
  return { page, params: new URLSearchParams(query) };
}

export function useHashRoute(): HashRoute {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
