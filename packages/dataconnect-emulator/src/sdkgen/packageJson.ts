// The `package.json` files of a generated SDK (spec §5.2), and the dependency the official tool adds to the
// app's own `package.json` (`packageJsonDir`).

/** The `firebase` range the generated web SDK needs (`validateArgsWithOptions`, `makeMemoryCacheProvider`). */
export const FIREBASE_PEER_RANGE = "^12.11.0";
const TANSTACK_PEER_RANGE = "^2.0.0";
const FIREBASE_ADMIN_PEER_RANGE = "^13.4.0 || ^14.0.0";

const AUTHOR = "Firebase <firebase-support@google.com> (https://firebase.google.com/)";

/** The web SDK's `package.json`: CJS main, ESM module, types, and the `./react` entry when generated. */
export function webPackageJson(packageName: string, connectorId: string, react: boolean): string {
  const exports: Record<string, unknown> = {
    ".": { types: "./index.d.ts", require: "./index.cjs.js", default: "./esm/index.esm.js" },
  };
  if (react) {
    exports["./react"] = {
      types: "./react/index.d.ts",
      require: "./react/index.cjs.js",
      import: "./react/esm/index.esm.js",
      default: "./react/esm/index.esm.js",
    };
  }
  exports["./package.json"] = "./package.json";
  const peerDependencies: Record<string, string> = { firebase: FIREBASE_PEER_RANGE };
  if (react) peerDependencies["@tanstack-query-firebase/react"] = TANSTACK_PEER_RANGE;
  return json({
    name: packageName,
    version: "1.0.0",
    author: AUTHOR,
    description: `Generated SDK For ${connectorId}`,
    license: "Apache-2.0",
    engines: { node: " >=18.0" },
    typings: "index.d.ts",
    module: "esm/index.esm.js",
    main: "index.cjs.js",
    browser: "esm/index.esm.js",
    exports,
    peerDependencies,
  });
}

/** `react/package.json`: the hooks as their own (nested) package, as the official layout has it. */
export function reactPackageJson(packageName: string, connectorId: string): string {
  return json({
    name: `${packageName}-react`,
    description: `Generated SDK For ${connectorId}`,
    version: "1.0.0",
    author: AUTHOR,
    license: "Apache-2.0",
    engines: { node: " >=18.0" },
    typings: "index.d.ts",
    main: "index.cjs.js",
    module: "esm/index.esm.js",
    browser: "esm/index.esm.js",
    peerDependencies: { "@tanstack-query-firebase/react": TANSTACK_PEER_RANGE },
  });
}

/** The admin SDK's `package.json`. */
export function adminPackageJson(packageName: string, connectorId: string): string {
  return json({
    name: packageName,
    version: "1.0.0",
    author: AUTHOR,
    description: `Generated Admin SDK For ${connectorId}`,
    license: "Apache-2.0",
    engines: { node: " >=18.0" },
    typings: "index.d.ts",
    module: "esm/index.esm.js",
    main: "index.cjs.js",
    exports: {
      ".": { types: "./index.d.ts", require: "./index.cjs.js", default: "./esm/index.esm.js" },
      "./package.json": "./package.json",
    },
    peerDependencies: { "firebase-admin": FIREBASE_ADMIN_PEER_RANGE },
  });
}

/** `esm/package.json`: marks the ESM twin as ES modules inside an otherwise CommonJS package. */
export const ESM_PACKAGE_JSON = json({ type: "module" });

/**
 * The app's `package.json` with `"<package>": "file:<outputDir relative to it>"` in `dependencies`, or
 * `undefined` when it already has exactly that. Other keys keep their order; the indentation is kept.
 */
export function withSdkDependency(
  packageJsonText: string,
  packageName: string,
  fileSpec: string,
): string | undefined {
  const parsed = JSON.parse(packageJsonText) as Record<string, unknown>;
  const dependencies = (parsed.dependencies ?? {}) as Record<string, string>;
  if (dependencies[packageName] === fileSpec) return undefined;
  parsed.dependencies = { ...dependencies, [packageName]: fileSpec };
  const indentation = /^[{[]\r?\n([ \t]+)/.exec(packageJsonText)?.[1] ?? "  ";
  return `${JSON.stringify(parsed, null, indentation)}\n`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
