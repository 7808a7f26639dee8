// The npm package as a host gets it: `npm pack` (whose `prepack` builds dist/), the tarball installed
// into a scratch project beside React 19, TypeScript and Vue, then an import of every entry
// type-checked with tsc and bundled with Vite, the README's "Install from npm" examples compiled
// the same way (Vue's through Vue's own SFC compiler), and the server entry run in Node.
// The registry is needed only for what the cache lacks (`--prefer-offline`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  customElements: string;
  exports: Record<string, string | Record<string, string>>;
  devDependencies: Record<string, string>;
};
const dev = manifest.devDependencies;
const LOCALES = readdirSync(join(root, "widget/locales")).filter((f) => /^[a-z]{2,3}\.ts$/.test(f)).map((f) => f.slice(0, -3));
/** Strings each of Lit's modules registers itself with: present wherever Lit's code is. */
const LIT_MARKER = "litElementVersions";

// npm's own variables (from `npm test` around us: npm_config_local_prefix would point the scratch
// install at this repository) must not reach the nested npm runs, nor vitest's NODE_ENV=test; the
// cache and registry may
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => (!/^npm_/i.test(k) || /^npm_config_(cache|registry)$/i.test(k)) && k !== "INIT_CWD" && k !== "NODE_ENV"),
);
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

let scratch: string;
let app: string;
let tarball: string;
let packed: string[];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "ninjaone-package-"));
  run("npm", ["pack", "--silent", "--pack-destination", scratch], root);
  tarball = join(scratch, `ninjaone-settings-${manifest.version}.tgz`);
  packed = run("tar", ["-tzf", tarball], scratch).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));

  app = join(scratch, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "host-app", private: true, type: "module" }, null, 2));
  run(
    "npm",
    [
      "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error",
      tarball,
      `react@${dev.react}`, `react-dom@${dev["react-dom"]}`, `@types/react@${dev["@types/react"]}`,
      // Vue, to compile the README's Vue example (a devDependency of ours only so that `npm ci` caches it)
      `typescript@${dev.typescript}`, `vue@${dev.vue}`,
    ],
    app,
  );
}, 240_000);

afterAll(() => {
  // NINJAONE_KEEP_SCRATCH=1 keeps the scratch project for a look after a failure
  if (scratch && !process.env.NINJAONE_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
  else if (scratch) console.log(`scratch project kept: ${scratch}`);
});

/** Every package in a node_modules tree (nested ones too), by name. */
function installed(dir: string, names = new Set<string>()): Set<string> {
  if (!existsSync(dir)) return names;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(".")) continue;
    const scoped = entry.startsWith("@") ? readdirSync(join(dir, entry)).map((e) => `${entry}/${e}`) : [entry];
    for (const name of scoped) {
      names.add(name);
      installed(join(dir, name, "node_modules"), names);
    }
  }
  return names;
}

describe("the packed tarball", () => {
  it("holds the builds, their types and the manifest: no tests, docs, sources or worker", () => {
    const allowed = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^dist\/(lib|server|types)\//];
    const stray = packed.filter((f) => !allowed.some((re) => re.test(f)));
    expect(stray).toEqual([]);
    for (const f of packed) {
      expect(f).not.toMatch(/^(test|docs|worker|widget|server|contract|scripts|demo|bench|\.ci)\//);
      expect(f).not.toMatch(/\.test\.|wrangler\.toml|\.dev\.vars/);
      // TypeScript only as declarations
      if (/\.[cm]?ts$/.test(f)) expect(f).toMatch(/\.d\.ts$/);
    }
    expect(packed).toContain("LICENSE");
    expect(readFileSync(join(app, "node_modules/ninjaone-settings/LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) 2026 ninjaone-settings contributors\n/);
    // the script-tag builds (and the worker's manifest, whose paths are its URLs) stay with the worker
    expect(packed.filter((f) => f.startsWith("dist/widget/"))).toEqual([]);
  });

  it("has a file for every export and its types", () => {
    const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
    for (const target of targets) {
      const paths = target.includes("*") ? LOCALES.map((lang) => target.replace("*", lang)) : [target];
      for (const p of paths) expect(packed, target).toContain(p.replace(/^\.\//, ""));
    }
    expect(LOCALES).toEqual(expect.arrayContaining(["de", "fr"]));
  });

  it("installs lit and @lit/react with it, and never hono or zod", () => {
    const names = installed(join(app, "node_modules"));
    expect(names).toContain("ninjaone-settings");
    for (const name of ["lit", "@lit/react"]) expect(names, name).toContain(name);
    for (const name of ["hono", "zod"]) expect(names, name).not.toContain(name);
    // everything the package itself brings (what `npm ls` shows under it): Lit's parts and
    // @lit/react's peer @types/react; the rest of the scratch project is what we installed
    const tree = JSON.parse(run("npm", ["ls", "--all", "--json", "ninjaone-settings"], app)) as { dependencies: Record<string, Dep> };
    type Dep = { dependencies?: Record<string, Dep> };
    const brought = new Set<string>();
    const walk = (deps: Record<string, Dep> = {}) => {
      for (const [name, dep] of Object.entries(deps)) {
        brought.add(name);
        walk(dep.dependencies);
      }
    };
    walk(tree.dependencies["ninjaone-settings"]!.dependencies);
    const expected = ["lit", "lit-element", "lit-html", "@lit/reactive-element", "@lit-labs/ssr-dom-shim", "@types/trusted-types", "@lit/react", "@types/react", "csstype"];
    expect([...brought].filter((name) => !expected.includes(name))).toEqual([]);
  });

  it("leaves Lit out of the bundler entry: it imports `lit`, the host's bundler has the one copy", () => {
    const pkg = join(app, "node_modules/ninjaone-settings");
    const index = readFileSync(join(pkg, "dist/lib/index.js"), "utf8");
    expect(index).toMatch(/from\s*["']lit["']/);
    expect(index).not.toContain(LIT_MARKER);
    expect(index).not.toContain("currentScript"); // no guessing of the worker's origin when bundled
    expect(readFileSync(join(pkg, "dist/lib/react.js"), "utf8")).toMatch(/from\s*["']@lit\/react["']/);
  });

  it('starts the React wrapper with "use client", so that a React Server Component may import it', () => {
    // a directive counts only as the first statement of the file
    const react = readFileSync(join(app, "node_modules/ninjaone-settings/dist/lib/react.js"), "utf8");
    expect(react.slice(0, 40)).toMatch(/^["']use client["'];?\n/);
  });
});

/** The Custom Elements Manifest's one element, checked for what hosts' tooling reads (README "The widget"). */
type ManifestModule = {
  path: string;
  exports?: { kind: string; name: string; declaration: { name: string; module?: string } }[];
  declarations?: {
    tagName?: string;
    attributes?: { name: string; description?: string }[];
    events?: { name: string; type?: { text: string } }[];
    cssParts?: { name: string }[];
    cssProperties?: { name: string }[];
  }[];
};
function expectElementManifest(cem: { modules: ManifestModule[] }, modulePath: string): void {
  expect(cem.modules.map((m) => m.path)).toEqual([modulePath]);
  const [mod] = cem.modules;
  const element = mod!.declarations!.find((d) => d.tagName === "ninjaone-settings");
  expect(element, "a declaration with tagName ninjaone-settings").toBeDefined();
  expect(mod!.exports).toContainEqual({ kind: "custom-element-definition", name: "ninjaone-settings", declaration: { name: "NinjaOneSettings", module: modulePath } });
  const attributes = element!.attributes!.map((a) => a.name);
  expect(attributes).toEqual(expect.arrayContaining(["api-base", "session-token", "mode", "lang"]));
  expect(element!.attributes!.find((a) => a.name === "lang")!.description).toMatch(/language/i);
  const events = Object.fromEntries(element!.events!.map((e) => [e.name, e.type?.text]));
  expect(events).toEqual({
    "ninjaone-status": "NinjaOneStatusEvent",
    "ninjaone-credentials-saved": "NinjaOneCredentialsSavedEvent",
    "ninjaone-connected": "NinjaOneConnectedEvent",
    "ninjaone-disconnected": "NinjaOneDisconnectedEvent",
    "ninjaone-error": "NinjaOneErrorEvent",
  });
  // the parts and custom properties the README documents
  const parts = "card header title badge notice section step setup-link redirect-uri copy-button label input select secret-toggle hint field-error saved details button confirm";
  expect(element!.cssParts!.map((p) => p.name)).toEqual(expect.arrayContaining(parts.split(" ")));
  const properties = ["font-family", "font-size", "color-text", "color-muted", "color-background", "color-surface", "color-border", "color-accent", "color-accent-text", "color-success", "color-warning", "color-danger", "color-focus", "radius", "shadow", "max-width"];
  expect(element!.cssProperties!.map((p) => p.name)).toEqual(expect.arrayContaining(properties.map((p) => `--ninjaone-${p}`)));
}

describe("the Custom Elements Manifest", () => {
  it("in the package (package.json `customElements` and `./custom-elements.json`): paths are files of the package", () => {
    expect(manifest.exports["./custom-elements.json"]).toBe(manifest.customElements);
    expect(packed).toContain(manifest.customElements.replace(/^\.\//, ""));
    const cem = JSON.parse(readFileSync(join(app, "node_modules/ninjaone-settings", manifest.customElements), "utf8")) as { modules: ManifestModule[] };
    expectElementManifest(cem, "dist/lib/index.js");
    // every module it names is in the tarball: the modules and those of their exports
    const named = cem.modules.flatMap((m) => [m.path, ...(m.exports ?? []).flatMap((e) => (e.declaration.module ? [e.declaration.module] : []))]);
    for (const path of new Set(named)) expect(packed, path).toContain(path);
  });

  it("served by the worker at /custom-elements.json: paths are the worker's URLs", () => {
    // the worker's copy of the built files (dist/worker/widget-files.json, built by `npm pack`'s prepack above)
    const files = JSON.parse(readFileSync(join(root, "dist/worker/widget-files.json"), "utf8")) as Record<string, { body: string }>;
    expect(files).toHaveProperty(["/custom-elements.json"]);
    const cem = JSON.parse(files["/custom-elements.json"]!.body) as { modules: ManifestModule[] };
    expectElementManifest(cem, "ninjaone-settings.js");
    expect(files).toHaveProperty(["/ninjaone-settings.js"]);
  });
});

/** The fenced code blocks of the README's "Install from npm" section that name a file on their first line. */
function readmeExamples(): Map<string, string> {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Install from npm");
  expect(start, 'README.md has a section "## Install from npm"').toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const files = new Map<string, string>();
  for (const [, body] of section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
    const name = /^(?:\/\/|<!--)\s*([\w./-]+\.(?:html|tsx?|vue))\s*(?:-->)?\n/.exec(body!);
    if (name) files.set(name[1]!, body!.slice(name[0].length));
  }
  return files;
}

/** A locale's strings, as the package's `./locales/<lang>` entry exports them in Node (where it can only wait for the element). */
function localeText(lang: string): Record<string, string> {
  const script = `globalThis.customElements = { whenDefined: () => new Promise(() => {}) };
const m = await import("ninjaone-settings/locales/${lang}");
console.log(JSON.stringify(m.${lang}));`;
  return JSON.parse(run(process.execPath, ["--input-type=module", "-e", script], app)) as Record<string, string>;
}

describe("in a host project", () => {
  const EXAMPLES = ["index.html", "src/SettingsPage.tsx", "src/PlainSettingsPage.tsx", "src/Settings.vue", "src/session.ts"];

  beforeAll(() => {
    const examples = readmeExamples();
    expect([...examples.keys()].sort()).toEqual([...EXAMPLES].sort());
    for (const [name, code] of examples) writeFileSync(join(app, name), code);

    // every entry, used as a host would, with types that must line up
    writeFileSync(
      join(app, "src/entries.ts"),
      `import { LitElement, html } from "lit";
import { NinjaOneSettings, NinjaOneErrorEvent, type NinjaOneStatusEvent, type NinjaOneStringsOverride } from "ninjaone-settings";
import { NinjaOneSettings as NinjaOneSettingsForReact, type NinjaOneSettingsProps } from "ninjaone-settings/react";
import { createTenantToken, NinjaOneSettingsClient, verifyEvent, SIGNATURE_HEADER, type Status } from "ninjaone-settings/server";
${LOCALES.map((lang) => `import { ${lang} } from "ninjaone-settings/locales/${lang}";`).join("\n")}
// with \`.js\` too, as the script-tag URL /locales/<lang>.js is spelled
${LOCALES.map((lang) => `import { ${lang} as ${lang}Js } from "ninjaone-settings/locales/${lang}.js";`).join("\n")}
import elementsManifest from "ninjaone-settings/custom-elements.json";

// the host's own Lit element: the bundle must still hold one copy of Lit
export class HostCard extends LitElement {
  override render() {
    return html\`<ninjaone-settings api-base="https://ninjaone.example.com"></ninjaone-settings>\`;
  }
}
customElements.define("host-card", HostCard);

const el: NinjaOneSettings = document.createElement("ninjaone-settings");
el.apiBase = "https://ninjaone.example.com";
el.getSessionToken = async () => "token";
el.mode = "redirect";
const strings: NinjaOneStringsOverride = { title: ${LOCALES[0]}.title, errors: { access_denied: { message: "Denied." } } };
el.strings = strings;
el.addEventListener("ninjaone-status", (e: NinjaOneStatusEvent) => console.log(e.detail.state, e.detail.region));
el.addEventListener("ninjaone-error", (e) => console.log(e instanceof NinjaOneErrorEvent, e.detail.code));
document.body.append(el);

const props: NinjaOneSettingsProps = { apiBase: "https://ninjaone.example.com", onStatus: (e) => console.log(e.detail.state) };
export const forReact = [NinjaOneSettingsForReact, props] as const;
export const server = [createTenantToken, NinjaOneSettingsClient, verifyEvent, SIGNATURE_HEADER] as const;
export const status = (s: Status) => s.connection.status;
// used, so that the TypeScript transform keeps the imports (it drops unused ones, side effects and all)
export const locales = { ${LOCALES.join(", ")} };
export const localesWithJs = { ${LOCALES.map((lang) => `${lang}Js`).join(", ")} };
export const tags: string[] = elementsManifest.modules.flatMap((m) => (m.declarations ?? []).map((d) => ("tagName" in d ? String(d.tagName) : "")));
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          jsx: "react-jsx",
          types: [],
          strict: true,
          noImplicitOverride: true,
          resolveJsonModule: true,
          isolatedModules: true,
          // the package's declarations are checked too, not only how they are used
          skipLibCheck: false,
          noEmit: true,
        },
        include: ["src/**/*.ts", "src/**/*.tsx"],
      }),
    );
    // a Node backend on NodeNext resolution (the server entry, as `import ... from "ninjaone-settings/server"` in an ESM server)
    writeFileSync(
      join(app, "tsconfig.server.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"], types: [], strict: true, skipLibCheck: false, noEmit: true },
        files: ["src/session.ts"],
      }),
    );
  }, 30_000);

  it("type-checks an import of every entry, and the README's React examples (wrapper and plain JSX)", () => {
    run(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], app);
    run(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.server.json"], app);
  }, 60_000);

  it("fails the type-check for a wrong prop, attribute or property (the types are not `any`)", () => {
    writeFileSync(
      join(app, "src/wrong.tsx"),
      `import { NinjaOneSettings } from "ninjaone-settings/react";
import type { NinjaOneSettings as Element } from "ninjaone-settings";
import type {} from "ninjaone-settings/jsx";
export const a = <NinjaOneSettings mode="sideways" />;
export const b = <ninjaone-settings mode="sideways" />;
export const c = (el: Element) => { el.getSessionToken = "not a function"; };
export const d = <NinjaOneSettings onStatus={(e) => e.detail.nope} />;
`,
    );
    try {
      const result = spawnSync(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: app, env, encoding: "utf8" });
      expect(result.status).not.toBe(0);
      const errors = result.stdout.split("\n").filter((l) => l.startsWith("src/wrong.tsx"));
      expect(errors.map((l) => /^src\/wrong\.tsx\((\d+),/.exec(l)![1])).toEqual(["4", "5", "6", "7"]);
      expect(result.stdout.split("\n").filter((l) => /^src\//.test(l) && !l.startsWith("src/wrong.tsx"))).toEqual([]);
    } finally {
      rmSync(join(app, "src/wrong.tsx"));
    }
  }, 60_000);

  it("loads the JSX types from tsconfig's `types` as well", () => {
    mkdirSync(join(app, "types-only"), { recursive: true });
    writeFileSync(
      join(app, "types-only/page.tsx"),
      `export const ok = <ninjaone-settings api-base="https://ninjaone.example.com" session-token="eyJ" />;
export const wrong = <ninjaone-settings mode="sideways" />;
`,
    );
    writeFileSync(
      join(app, "tsconfig.types.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], jsx: "react-jsx", types: ["ninjaone-settings/jsx"], strict: true, noEmit: true },
        files: ["types-only/page.tsx"],
      }),
    );
    const result = spawnSync(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.types.json"], { cwd: app, env, encoding: "utf8" });
    // only the wrong `mode`: the tag and its attributes are known
    expect(result.stdout.trim().split("\n").map((l) => /^types-only\/page\.tsx\((\d+),/.exec(l)?.[1])).toEqual(["2"]);
  }, 60_000);

  it("bundles them with Vite: the element defined, Lit once, React's wrapper and the locales", async () => {
    const { build } = await import("vite");
    const vue = createRequire(join(app, "package.json"))("vue/compiler-sfc") as typeof import("vue/compiler-sfc");
    // the README's Vue example through Vue's SFC compiler (what @vitejs/plugin-vue runs), with
    // <ninjaone-settings> declared a custom element as the README says
    // (both the parse and the compile take the option, as @vitejs/plugin-vue passes its `template.compilerOptions` to both)
    const compilerOptions = { isCustomElement: (tag: string) => tag === "ninjaone-settings" };
    const sfc = vue.parse(readFileSync(join(app, "src/Settings.vue"), "utf8"), { filename: "Settings.vue", templateParseOptions: compilerOptions });
    expect(sfc.errors).toEqual([]);
    const compiled = vue.compileScript(sfc.descriptor, { id: "settings", inlineTemplate: true, templateOptions: { compilerOptions } });
    expect(compiled.content).not.toContain("resolveComponent");
    expect(compiled.content).toMatch(/createElementBlock\("ninjaone-settings"/);
    // `.prop`: set as a property even before the element is defined
    expect(compiled.content).toContain('".getSessionToken"');
    expect(compiled.content).toContain("onNinjaoneStatus");
    writeFileSync(join(app, "src/Settings.vue.ts"), compiled.content);

    const outDir = join(app, "out");
    // a production build, as a host ships it (Vite picks `production` export conditions from NODE_ENV, which vitest sets to "test")
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    await build({
      root: app,
      configFile: false,
      logLevel: "warn",
      define: { __VUE_OPTIONS_API__: "false", __VUE_PROD_DEVTOOLS__: "false", __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false" },
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        rolldownOptions: {
          input: {
            index: join(app, "index.html"),
            entries: join(app, "src/entries.ts"),
            wrapper: join(app, "src/SettingsPage.tsx"),
            plain: join(app, "src/PlainSettingsPage.tsx"),
            vue: join(app, "src/Settings.vue.ts"),
          },
          // keep each entry's exports, so that nothing the examples export is shaken away
          preserveEntrySignatures: "strict",
          // the wrapper's "use client" means nothing in a client bundle; @vitejs/plugin-react, which a
          // React host has, silences this warning the same way
          onwarn(warning, warn) {
            if (warning.code === "MODULE_LEVEL_DIRECTIVE" && warning.message.includes('"use client"')) return;
            warn(warning);
          },
        },
      },
    }).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
    const js = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? js(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : []));
    const code = js(outDir).map((f) => readFileSync(f, "utf8")).join("\n");
    // the element is defined (its side effect kept), once, from one copy of Lit shared with the host's element
    expect(code.match(/litElementVersions\s*\?\?=/g), "copies of Lit in the bundle").toHaveLength(1);
    expect(code, "Lit's production build").not.toContain("Lit is in dev mode");
    expect(code).toMatch(/customElements\.define\(\s*["'`]ninjaone-settings["'`]/);
    expect(code).toMatch(/customElements\.define\(\s*["'`]host-card["'`]/);
    // the wrapper (React and @lit/react bundled from the host's node_modules) and the locales
    expect(code).toContain("ninjaone-credentials-saved");
    expect(code).toContain("forwardRef");
    for (const lang of LOCALES) expect(code, lang).toContain(localeText(lang).loading);
    // the page's inline module script was bundled into the HTML's entry
    const html = readFileSync(join(outDir, "index.html"), "utf8");
    expect(html).toContain("<ninjaone-settings");
    expect(html).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
    // nothing of the worker
    expect(code).not.toMatch(/from\s*["']hono|zod\/mini/);
  }, 90_000);

  it("runs the server entry in Node: a tenant token the worker would accept", () => {
    const out = run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { createTenantToken } from "ninjaone-settings/server";
const token = await createTenantToken({ secret: "x".repeat(32), tenant: "acme", audience: "ninjaone-settings", user: "alice" });
const [, claims] = token.split(".");
console.log(JSON.stringify(JSON.parse(Buffer.from(claims, "base64url").toString())));`,
      ],
      app,
    );
    const claims = JSON.parse(out) as Record<string, unknown>;
    expect(claims).toMatchObject({ tenant: "acme", aud: "ninjaone-settings", sub: "alice" });
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
  });
});
