// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["out/", "dist/", "node_modules/", "test-results/", "bench/.work/"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        fetch: "readonly",
        performance: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        Headers: "readonly",
        TextDecoder: "readonly",
        Buffer: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  // The layers of docs/architecture.md, "Layers and the import rule".
  {
    // The core runs under plain Node, and knows nothing of who drives it.
    files: ["src/main/{gateway,config}/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["electron", "react"],
          patterns: [
            {
              group: ["**/electron/**", "**/renderer/**", "**/app/**", "**/admin/**", "**/cli/**"],
              message: "the gateway and config layers never import the app or a front end",
            },
            {
              group: ["**/keystore/**"],
              message: "the gateway and config layers never import the keystore",
            },
          ],
        },
      ],
    },
  },
  {
    // The keystore stands alone: its types are its own, the UI contract names them.
    files: ["src/main/keystore/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["electron", "react"],
          patterns: [
            {
              group: ["**/shared/**", "**/gateway/**", "**/config/**", "**/app/**"],
              message: "the keystore imports no other layer, the UI contract least of all",
            },
          ],
        },
      ],
    },
  },
  {
    // The composition root and the headless front end: no Electron, no DOM.
    files: ["src/main/{app,cli,admin}/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: ["electron", "react"], patterns: ["**/electron/**", "**/renderer/**"] },
      ],
    },
  },
  {
    // The contract both sides compile: pure types and helpers; domain types only as types.
    files: ["src/shared/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: ["electron", "react"],
          patterns: [
            { group: ["node:*"], message: "src/shared is compiled for the browser too" },
            {
              group: ["**/main/**"],
              allowTypeImports: true,
              message: "src/shared may name the domain's types, never its code",
            },
            { group: ["**/renderer/**", "**/preload/**"] },
          ],
        },
      ],
    },
  },
  {
    // The renderer is browser code: the DOM's globals, not Node's; the app only through
    // the UI contract in src/shared.
    files: ["src/renderer/**/*.{ts,tsx}"],
    languageOptions: {
      globals: { ...globals.browser, process: "off", Buffer: "off", setImmediate: "off" },
    },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["electron"],
          patterns: [
            { group: ["node:*"], message: "the renderer is browser code" },
            {
              group: ["**/main/**", "**/preload/**"],
              message: "the renderer reaches the app only through src/shared/ui-api.ts",
            },
          ],
        },
      ],
    },
  },
);
