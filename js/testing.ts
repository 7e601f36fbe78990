//! `Deno.test` and the runner behind `minideno test`: tests register as their modules
//! load, then `Deno.core.runTests` runs them one by one and prints each result.
import { inspect } from "./console.ts";

/** A test as `Deno.test` takes it (see lib.deno.d.ts). */
export interface TestDefinition {
  name: string;
  fn: () => void | Promise<void>;
  ignore?: boolean;
  only?: boolean;
}

const tests: TestDefinition[] = [];

/** `Deno.test(name, fn)`, `Deno.test(fn)` (named after it) or `Deno.test({ name, fn, ignore, only })`. */
export function test(nameOrDef: string | TestDefinition | TestDefinition["fn"], fn?: TestDefinition["fn"]): void {
  let def: TestDefinition;
  if (typeof nameOrDef === "string") {
    def = { name: nameOrDef, fn: fn! };
  } else if (typeof nameOrDef === "function") {
    def = { name: nameOrDef.name, fn: nameOrDef };
  } else if (nameOrDef !== null && typeof nameOrDef === "object") {
    def = { ...nameOrDef };
  } else {
    throw new TypeError("Deno.test takes a name and a function, or a { name, fn } object");
  }
  if (typeof def.fn !== "function") throw new TypeError(`Deno.test "${def.name}": fn must be a function`);
  if (typeof def.name !== "string" || def.name === "") throw new TypeError("Deno.test: a test needs a name");
  tests.push(def);
}

/** What `runTests` counted. */
export interface TestSummary {
  passed: number;
  failed: number;
  ignored: number;
  filtered: number;
}

/**
 * Runs the registered tests whose name contains `filter` (or matches it, written as
 * `/regex/`), or only those marked `only` if any is. Prints `test NAME ... ok (Nms)`,
 * `FAILED` or `ignored` per test, then each failure with its stack, then the counts.
 */
export async function runTests(options: { filter?: string } = {}): Promise<TestSummary> {
  const { filter } = options;
  const matches = filter === undefined || filter === ""
    ? () => true
    : filter.length > 2 && filter.startsWith("/") && filter.endsWith("/")
    ? (name: string) => new RegExp(filter.slice(1, -1)).test(name)
    : (name: string) => name.includes(filter);
  const only = tests.some((t) => t.only);
  const chosen = tests.filter((t) => matches(t.name) && (!only || t.only));
  const summary: TestSummary = { passed: 0, failed: 0, ignored: 0, filtered: tests.length - chosen.length };
  const failures: [string, unknown][] = [];
  const started = Date.now();
  console.log(`running ${chosen.length} test${chosen.length === 1 ? "" : "s"}`);
  for (const t of chosen) {
    if (t.ignore) {
      console.log(`test ${t.name} ... ignored (0ms)`);
      summary.ignored++;
      continue;
    }
    const start = Date.now();
    try {
      await t.fn();
      console.log(`test ${t.name} ... ok (${Date.now() - start}ms)`);
      summary.passed++;
    } catch (e) {
      console.log(`test ${t.name} ... FAILED (${Date.now() - start}ms)`);
      failures.push([t.name, e]);
      summary.failed++;
    }
  }
  if (failures.length > 0) {
    console.log("\nfailures:\n");
    for (const [name, e] of failures) {
      console.log(`${name}\n${e instanceof Error ? e.stack ?? String(e) : `Uncaught ${inspect(e)}`}\n`);
    }
    console.log(`failures: ${failures.map(([name]) => name).join(", ")}`);
  }
  const verdict = summary.failed > 0 ? "FAILED" : "ok";
  const { passed, failed, ignored, filtered } = summary;
  console.log(
    `\n${verdict} | ${passed} passed, ${failed} failed, ${ignored} ignored, ${filtered} filtered out (${Date.now() - started}ms)`,
  );
  return summary;
}
