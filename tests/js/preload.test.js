// Without a bundler the browser finds the studio's modules one import at a time; the configure page preloads them
// all at once. A module added without its preload still works, only later: this test names it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

const root = new URL("../../", import.meta.url);
const page = ["templates/configurator/configure.html", "templates/configurator/_viewer.html"]
  .map((path) => readFileSync(new URL(path, root), "utf8")).join("\n");

test("the configure page preloads every module of the studio", () => {
  const modules = readdirSync(new URL("static/js/studio/", root)).filter((name) => name.endsWith(".js"));
  assert.ok(modules.includes("studio.js"));
  const missing = modules.filter((name) => !page.includes(`<link rel="modulepreload" href="{% static 'js/studio/${name}' %}">`));
  assert.deepEqual(missing, []);
});
