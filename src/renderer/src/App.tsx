export function App() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem" }}>
      <h1>Gatehouse</h1>
      <p>
        The gateway is running. MCP clients connect to <code>http://localhost:3000/mcp</code>.
      </p>
    </main>
  );
}
