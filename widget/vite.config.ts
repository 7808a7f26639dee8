// Builds <ninjaone-settings> into dist/widget/:
//   ninjaone-settings.js        self-contained ES module (Lit included), minified
//   ninjaone-settings.iife.js   the same as a classic script
//   *.d.ts                      declarations for hosts that bundle or type-check against it
//                               (with ../contract/index.d.ts, the wire types they import)
//   custom-elements.json        the Custom Elements Manifest (attributes, events, parts, CSS properties)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = `${root}widget/ninjaone-settings.ts`;
const outDir = `${root}dist/widget`;

/** Declarations and the manifest, written once after both formats are built. */
function hostArtifacts(): Plugin {
  let done = false;
  return {
    name: "ninjaone-host-artifacts",
    apply: "build",
    async closeBundle() {
      if (done) return;
      done = true;
      mkdirSync(outDir, { recursive: true });

      const { default: ts } = await import("typescript");
      const program = ts.createProgram([entry], {
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
        // The widget imports the shared wire types from contract/: their declarations land in
        // dist/contract/, so that dist/widget/*.d.ts keep resolving "../contract/index.js".
        rootDir: root,
        outDir: `${root}dist`,
      });
      const result = program.emit();
      const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
      if (errors.length > 0) {
        throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }));
      }

      // @ts-expect-error: the analyzer ships no types for these modules
      const { create, ts: cemTs } = await import("@custom-elements-manifest/analyzer");
      // @ts-expect-error: the analyzer ships no types for these modules
      const { litPlugin } = await import("@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js");
      const source = cemTs.createSourceFile("ninjaone-settings.js", readFileSync(entry, "utf8"), cemTs.ScriptTarget.ES2022, true);
      const manifest = create({ modules: [source], plugins: [...litPlugin()] });
      // keep the public surface only: internal state (`_x`) and the unnamed `new X()` dispatches go
      type Named = { name?: string; privacy?: string };
      const isPublic = (m: Named) => !!m.name && !m.name.startsWith("_") && m.privacy !== "private" && m.privacy !== "protected";
      for (const mod of manifest.modules) {
        // only what the module exports (the analyzer also lists some locals of `#private` methods)
        const exported = new Set((mod.exports ?? []).map((e: { declaration?: Named }) => e.declaration?.name));
        mod.declarations = (mod.declarations ?? []).filter((d: Named) => exported.has(d.name));
        for (const d of mod.declarations) {
          for (const key of ["attributes", "members", "events"]) if (d[key]) d[key] = d[key].filter(isPublic);
        }
      }
      writeFileSync(`${outDir}/custom-elements.json`, JSON.stringify(manifest, null, 2) + "\n");
    },
  };
}

export default defineConfig({
  root,
  publicDir: false,
  plugins: [hostArtifacts()],
  build: {
    outDir,
    emptyOutDir: true,
    // native class fields, static blocks and `#private` members (which the minifier renames);
    // every browser with the CSS the widget uses (`light-dark()`, container queries) has ES2022
    target: "es2022",
    minify: true,
    sourcemap: false,
    reportCompressedSize: true,
    lib: {
      entry,
      name: "NinjaOneSettings",
      formats: ["es", "iife"],
      fileName: (format) => (format === "es" ? "ninjaone-settings.js" : "ninjaone-settings.iife.js"),
    },
    rolldownOptions: {
      // STACK.md trap 3: library-mode ES output is not fully minified without this
      output: { minify: true },
    },
  },
});
