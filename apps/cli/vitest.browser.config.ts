import { defineConfig } from "vitest/config";

// Tests that drive a real browser (Debian's Chromium): their own turbo task, never cached.
export default defineConfig({
  test: {
    include: ["test/**/*.browser.test.ts"],
    testTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: "test-results.browser.json" }]],
  },
});
