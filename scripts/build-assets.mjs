// Copies the front-end packages installed from the npm registry into the app's static folder.
// The app serves them itself (whitenoise): many government networks cannot reach a CDN.
// Source-map comments are stripped: the maps are not shipped, and whitenoise's manifest storage
// (ZHENWU_MANIFEST_STATIC=1 collectstatic) refuses a file that points at a missing one.
import { mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src", "zhenwu", "static", "vendor");
const files = [
  ["node_modules/@tabler/core/dist/css/tabler.min.css", "tabler/tabler.min.css"],
  ["node_modules/@tabler/core/dist/js/tabler.min.js", "tabler/tabler.min.js"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["node_modules/echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
];
for (const [from, to] of files) {
  const src = join(root, from);
  if (!existsSync(src)) {
    console.error(`missing ${from}: run npm ci first`);
    process.exit(1);
  }
  const dest = join(out, to);
  mkdirSync(dirname(dest), { recursive: true });
  const text = readFileSync(src, "utf8")
    .replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/gm, "")
    .replace(/^\/\/# sourceMappingURL=.*$/gm, "");
  writeFileSync(dest, text);
}
console.log(`assets copied to ${out}`);
