// `vite build --config widget/vite.config.ts` (what `npm run build` runs) builds:
//
// The script-tag builds the worker serves from dist/widget/ (entry script-entry.ts, Lit inlined,
// `api-base` defaulting to the worker's origin):
//   ninjaone-settings.js        ES module, minified
//   ninjaone-settings.iife.js   the same as a classic script
//   locales/<lang>.js           one small module per widget/locales/<lang>.ts, loaded only when asked for
//   custom-elements.json        the Custom Elements Manifest (attributes, events, parts, CSS properties),
//                               its module path the worker's URL "ninjaone-settings.js"
// and, for the worker to serve them from its own module, dist/worker/widget-files.json: each of these
// files by its URL path, with its content type and ETag (worker/routes/assets.ts).
//
// The npm package's other entries (see package.json `exports`):
//   dist/lib/index.js           `ninjaone-settings`: the element for bundlers (entry index.ts, Lit
//                               external so hosts share one copy, no default `api-base`)
//   dist/lib/react.js           `ninjaone-settings/react` (React and @lit/react external, "use client")
//   dist/lib/locales/<lang>.js  `ninjaone-settings/locales/<lang>` (and `…/<lang>.js`)
//   dist/lib/custom-elements.json  `ninjaone-settings/custom-elements.json` and package.json
//                               `customElements`: the same manifest, its paths files of the package
//   dist/server/index.js        `ninjaone-settings/server`, the host-backend SDK (not minified)
//   dist/types/**.d.ts          declarations of all of these (with dist/types/contract, the wire
//                               types they import), and widget/jsx.d.ts for `ninjaone-settings/jsx`
//
// The default export is the script-tag build; the others run after it (packageBuilds below), each
// with its own inline config, so that `build({ configFile })` with another entry (scripts/bench.mjs)
// builds only what it asks for.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build, defineConfig, type InlineConfig, type LogLevel, type Plugin } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const element = `${root}widget/ninjaone-settings.ts`;
const scriptEntry = `${root}widget/script-entry.ts`;
const dist = `${root}dist`;
const outDir = `${dist}/widget`;

/** The languages in widget/locales/ (whatever exists: each file registers one translation). */
const locales = (): string[] =>
  existsSync(`${root}widget/locales`)
    ? readdirSync(`${root}widget/locales`)
        .filter((f) => /^[a-z]{2,3}(-[A-Za-z0-9]+)*\.ts$/.test(f) && !f.endsWith(".d.ts"))
        .map((f) => f.slice(0, -3))
        .sort()
    : [];

/** What every build shares: native class fields, static blocks and `#private` members (which the
 * minifier renames); every browser with the CSS the widget uses (`light-dark()`, container
 * queries) has ES2022. */
const common = {
  target: "es2022",
  minify: true,
  sourcemap: false,
  // STACK.md trap 3: library-mode ES output is not fully minified without this
  output: { minify: true },
} as const;

/** Production builds of dependencies (Lit's, not its dev mode) whatever NODE_ENV says: Vite picks the
 * `development` export condition when NODE_ENV is set to anything but "production" (vitest sets "test"). */
const resolve = { conditions: ["module", "browser", "production"] };

/** One of the builds after the script-tag one: its own inline config, the common settings, production deps. */
const packageBuild = (logLevel: LogLevel, build: NonNullable<InlineConfig["build"]>): InlineConfig => ({
  root,
  configFile: false,
  publicDir: false,
  logLevel,
  resolve,
  build: { target: common.target, minify: common.minify, sourcemap: common.sourcemap, ...build },
});

/** A locale for script-tag hosts: one self-contained module, everything it imports inlined. */
const localeBuild = (lang: string, logLevel: LogLevel): InlineConfig =>
  packageBuild(logLevel, {
    outDir: `${outDir}/locales`,
    emptyOutDir: false,
    lib: { entry: `${root}widget/locales/${lang}.ts`, formats: ["es"], fileName: () => `${lang}.js` },
    rolldownOptions: {
      output: common.output,
      // the IIFE has no `import.meta`: script-entry.ts reads `document.currentScript` there
      checks: { emptyImportMeta: false },
    },
  });

/** Lit, React and @lit/react stay imports: the package depends on them, the host's bundler dedupes them. */
const EXTERNAL = [/^lit(\/|$)/, /^@lit\//, /^@lit-labs\//, /^react(-dom)?(\/|$)/];

/** The package's bundler entries, in one build so that they share modules (and the element's class). */
const libBuild = (logLevel: LogLevel): InlineConfig =>
  packageBuild(logLevel, {
    outDir: `${dist}/lib`,
    emptyOutDir: true,
    lib: {
      entry: {
        index: `${root}widget/index.ts`,
        react: `${root}widget/react.ts`,
        ...Object.fromEntries(locales().map((lang) => [`locales/${lang}`, `${root}widget/locales/${lang}.ts`])),
      },
      formats: ["es"],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      external: EXTERNAL,
      // the shared modules may live in an entry chunk (index.js holds the element; react.js imports
      // it) instead of a chunk of their own behind a one-line facade
      preserveEntrySignatures: "allow-extension",
      output: {
        ...common.output,
        chunkFileNames: "chunks/[name]-[hash].js",
        // the wrapper uses hooks and defines a custom element: a React Server Component may import
        // it only as a client module. `postBanner` is added after minification, which would drop
        // or move a directive, so it stays the file's first statement
        postBanner: (chunk) => (chunk.isEntry && chunk.name === "react" ? '"use client";' : ""),
      },
    },
  });

/** The host-backend SDK: dependency-free, readable (not minified). */
const serverBuild = (logLevel: LogLevel): InlineConfig =>
  packageBuild(logLevel, {
    outDir: `${dist}/server`,
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    lib: { entry: `${root}server/index.ts`, formats: ["es"], fileName: () => "index.js" },
  });

/** Declarations of every entry, into dist/types/ (self-contained: dist/types/contract comes along). */
async function declarations(): Promise<void> {
  const { default: ts } = await import("typescript");
  const entries = [
    `${root}widget/index.ts`,
    `${root}widget/react.ts`,
    ...locales().map((lang) => `${root}widget/locales/${lang}.ts`),
    `${root}server/index.ts`,
  ];
  const program = ts.createProgram(entries, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    types: [],
    strict: true,
    skipLibCheck: true,
    useDefineForClassFields: false,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: root,
    outDir: `${dist}/types`,
  });
  rmSync(`${dist}/types`, { recursive: true, force: true });
  const result = program.emit();
  const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }));
  }
  // hand-written: tsc does not emit .d.ts sources
  copyFileSync(`${root}widget/jsx.d.ts`, `${dist}/types/widget/jsx.d.ts`);
}

/** A Custom Elements Manifest (the analyzer's JSON), as far as this file looks into it. */
type Manifest = { modules: { path: string; exports?: { kind: string; declaration: { name: string; module?: string } }[] }[] };

/** The Custom Elements Manifest the worker serves, its module the script-tag build's URL path. */
async function manifest(): Promise<Manifest> {
  // @ts-expect-error: the analyzer ships no types for these modules
  const { create, ts: cemTs } = await import("@custom-elements-manifest/analyzer");
  // @ts-expect-error: the analyzer ships no types for these modules
  const { litPlugin } = await import("@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js");
  const source = cemTs.createSourceFile("ninjaone-settings.js", readFileSync(element, "utf8"), cemTs.ScriptTarget.ES2022, true);
  const cem = create({ modules: [source], plugins: [...litPlugin()] });
  // keep the public surface only: internal state (`_x`) and the unnamed `new X()` dispatches go
  type Named = { name?: string; privacy?: string };
  const isPublic = (m: Named) => !!m.name && !m.name.startsWith("_") && m.privacy !== "private" && m.privacy !== "protected";
  for (const mod of cem.modules) {
    // only what the module exports (the analyzer also lists some locals of `#private` methods)
    const exported = new Set((mod.exports ?? []).map((e: { declaration?: Named }) => e.declaration?.name));
    mod.declarations = (mod.declarations ?? []).filter((d: Named) => exported.has(d.name));
    for (const d of mod.declarations) {
      for (const key of ["attributes", "members", "events"]) if (d[key]) d[key] = d[key].filter(isPublic);
      // the analyzer also names an event after the variable of `new XEvent(detail)`: the element's
      // events are the `@event` ones, all `ninjaone-*`
      if (d.events) d.events = d.events.filter((e: Named & { description?: string }) => e.name!.startsWith("ninjaone-") || !!e.description);
    }
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}/custom-elements.json`, JSON.stringify(cem, null, 2) + "\n");
  return cem;
}

/**
 * The package's copy of the manifest (package.json `customElements`): paths are relative to the
 * package, where the element and everything its module re-exports are bundled into
 * dist/lib/index.js; the worker's "ninjaone-settings.js" and the sources' "events.js" are no files
 * there. The `export *` of events.js would name the module itself, so it goes (its classes are
 * index.js's exports all the same).
 */
function packageManifest(cem: Manifest): void {
  const path = "dist/lib/index.js";
  const copy: Manifest = structuredClone(cem);
  for (const mod of copy.modules) {
    mod.path = path;
    mod.exports = (mod.exports ?? []).filter((e) => e.declaration.name !== "*");
    for (const e of mod.exports) if (e.declaration.module) e.declaration.module = path;
  }
  writeFileSync(`${dist}/lib/custom-elements.json`, JSON.stringify(copy, null, 2) + "\n");
}

/**
 * The files the worker serves, as one JSON module it imports (worker/routes/assets.ts): by URL path,
 * the text, its content type and a strong ETag of its bytes. Only these paths are public.
 */
const WORKER_FILES = `${dist}/worker/widget-files.json`;

function workerFiles(): void {
  const served = [
    "ninjaone-settings.js",
    "ninjaone-settings.iife.js",
    "custom-elements.json",
    ...locales().map((lang) => `locales/${lang}.js`),
  ];
  const files = Object.fromEntries(
    served.map((name) => {
      const body = readFileSync(`${outDir}/${name}`, "utf8");
      const type = name.endsWith(".json") ? "application/json; charset=utf-8" : "text/javascript; charset=utf-8";
      const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`;
      return [`/${name}`, { body, type, etag }];
    }),
  );
  mkdirSync(`${dist}/worker`, { recursive: true });
  writeFileSync(WORKER_FILES, JSON.stringify(files));
}

/**
 * After the script-tag build (both formats): the manifest, the locales, the worker's copy, and once
 * the package's entries and types. Vite calls closeBundle once per format, and again for each
 * rebuild under `vite build --watch` (npm start), after emptying dist/widget: the calls run one
 * after the other, and the one that finds both formats newer than the worker's copy does the work.
 */
function packageBuilds(): Plugin {
  let pending: Promise<void> = Promise.resolve();
  let packaged = false;
  let ours = false;
  let logLevel: LogLevel = "info";
  const outputs = [`${outDir}/ninjaone-settings.js`, `${outDir}/ninjaone-settings.iife.js`];
  const copyIsCurrent = () =>
    existsSync(WORKER_FILES) && outputs.every((file) => statSync(file).mtimeMs <= statSync(WORKER_FILES).mtimeMs);

  async function afterScriptBuild(): Promise<void> {
    if (!outputs.every((file) => existsSync(file)) || copyIsCurrent()) return;
    const cem = await manifest();
    for (const lang of locales()) await build(localeBuild(lang, logLevel));
    workerFiles();
    if (packaged) return;
    packaged = true;
    await build(libBuild(logLevel));
    packageManifest(cem); // after the lib build, which empties dist/lib
    await build(serverBuild(logLevel));
    await declarations();
  }

  return {
    name: "ninjaone-package-builds",
    apply: "build",
    configResolved(config) {
      // only the full build: not one that `build({ configFile })` pointed at another entry
      const entry = config.build.lib && config.build.lib.entry;
      ours = entry === scriptEntry;
      logLevel = config.logLevel ?? "info";
    },
    closeBundle() {
      if (!ours) return;
      pending = pending.then(afterScriptBuild);
      return pending;
    },
  };
}

export default defineConfig({
  root,
  publicDir: false,
  resolve,
  plugins: [packageBuilds()],
  build: {
    outDir,
    emptyOutDir: true,
    target: common.target,
    minify: common.minify,
    sourcemap: common.sourcemap,
    reportCompressedSize: true,
    lib: {
      entry: scriptEntry,
      name: "NinjaOneSettings",
      formats: ["es", "iife"],
      fileName: (format) => (format === "es" ? "ninjaone-settings.js" : "ninjaone-settings.iife.js"),
    },
    rolldownOptions: {
      output: common.output,
      // the IIFE has no `import.meta`: script-entry.ts reads `document.currentScript` there
      checks: { emptyImportMeta: false },
    },
  },
});
