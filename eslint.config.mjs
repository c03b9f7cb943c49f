import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Imports point down only: app -> lib/server -> lib/analysis. The analysis core runs unchanged in the
// server, the CLI, the agent and tests, so it must never pull in a framework or the database layer.
// Regexes (not globs) so that both the "@/" alias and any depth of relative path are caught.
const analysisMustNotImport = [
  {
    regex: "^(next|react|react-dom)(/.*)?$",
    message: "lib/analysis is framework-free: no next/react imports.",
  },
  {
    regex: "^@prisma/",
    message: "lib/analysis must not touch the database: no @prisma/* imports.",
  },
  {
    regex: "^(@/|(\\.\\./)+|\\./)(lib/)?(server|generated)(/|$)",
    message: "lib/analysis must not import lib/server or the generated Prisma client.",
  },
  {
    regex: "^(@/|(\\.\\./)+)(app|components|lib/client)(/|$)",
    message: "lib/analysis must not import UI or route code.",
  },
];

const serverMustNotImport = [
  {
    regex: "^(@/|(\\.\\./)+)(app|components)(/|$)",
    message: "lib/server must not import app/ or components/ (imports point down only).",
  },
  {
    regex: "^(@/|(\\.\\./)+)(lib/)?client(/|$)",
    message: "lib/server must not import browser-side lib/client code.",
  },
];

const clientMustNotImport = [
  {
    regex: "^(@/|(\\.\\./)+)(lib/)?server(/|$)",
    message: "Client code talks to the REST API, never to lib/server directly.",
  },
  {
    regex: "^@prisma/",
    message: "Client code must not import Prisma.",
  },
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["lib/analysis/**/*.{ts,tsx,js,mjs}"],
    rules: { "no-restricted-imports": ["error", { patterns: analysisMustNotImport }] },
  },
  {
    files: ["lib/server/**/*.{ts,tsx,js,mjs}"],
    rules: { "no-restricted-imports": ["error", { patterns: serverMustNotImport }] },
  },
  {
    files: ["lib/client/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: clientMustNotImport }] },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    "lib/generated/**",
    ".data/**",
    "test-results/**",
    "playwright-report/**",
    "e2e/lab/out/**",
    // AssemblyScript (its own compiler checks it: npm run build:wasm); the generated module is data
    "lib/analysis/capture/core/**",
    "lib/analysis/capture/core-wasm.ts",
    ".old-capture/**",
    ".vs-revision-*/**",
  ]),
]);
