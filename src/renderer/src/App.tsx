import { useEffect, useState } from "react";
import { createUiClient } from "./api/create-ui-client";
import { GatewayStatusProvider } from "./api/GatewayStatusProvider";
import { UiClientContext } from "./api/ui-client-context";
import { Header } from "./components/Header";
import { SessionExpired } from "./components/SessionExpired";
import { Sidebar } from "./components/Sidebar";
import { ToastProvider } from "./components/ToastProvider";
import { PAGES, useHashRoute } from "./hooks/use-hash-route";
import type { HashRoute } from "./hooks/use-hash-route";
import { useTheme } from "./hooks/use-theme";
import { AccessPage } from "./pages/access/AccessPage";
import { ClientsPage } from "./pages/clients/ClientsPage";
import { ConfigPage } from "./pages/config/ConfigPage";
import { KeysPage } from "./pages/keys/KeysPage";
import { OverviewPage } from "./pages/overview/OverviewPage";
import { PlaygroundPage } from "./pages/playground/PlaygroundPage";
import { RequestsPage } from "./pages/requests/RequestsPage";
import { TokensPage } from "./pages/tokens/TokensPage";
import "./App.css";

export function App() {
  const [sessionExpired, setSessionExpired] = useState(false);
  const [client] = useState(() =>
    createUiClient({ onSessionExpired: () => setSessionExpired(true) }),
  );
  const [theme, toggleTheme] = useTheme();
  const route = useHashRoute();

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      // event.code, not event.key: Alt+digit types other characters on some layouts (macOS).
      const page = PAGES[Number(/^Digit(\d)$/.exec(event.code)?.[1]) - 1];
      if (!page) return;
      window.location.hash = `#/${page.id}`;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  useEffect(() => {
    const title = PAGES.find((page) => page.id === route.page)?.title;
    document.title = `${title} · Gatehouse`;
  }, [route.page]);

  if (sessionExpired) return <SessionExpired />;

  return (
    <UiClientContext.Provider value={client}>
      <ToastProvider>
        <GatewayStatusProvider>
          <div className="app">
            <Sidebar current={route.page} />
            <div className="app-main">
              <Header theme={theme} onToggleTheme={toggleTheme} />
              <main className="app-page" key={`${route.page}?${route.params.toString()}`}>
                <CurrentPage route={route} />
              </main>
            </div>
          </div>
        </GatewayStatusProvider>
      </ToastProvider>
    </UiClientContext.Provider>
  );
}

function CurrentPage({ route }: { route: HashRoute }) {
  switch (route.page) {
    case "overview":
      return <OverviewPage />;
    case "config":
      return <ConfigPage revealLine={Number(route.params.get("line")) || undefined} />;
    case "keys":
      return <KeysPage />;
    case "tokens":
      return <TokensPage />;
    case "requests":
      return <RequestsPage deniedOnly={route.params.get("denied") === "1"} />;
    case "playground":
      return <PlaygroundPage connectAs={route.params.get("as") ?? undefined} />;
    case "access":
      return <AccessPage />;
    case "clients":
      return <ClientsPage />;
  }
}
