// @ts-check
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

// The server composes the modules, never the reverse: modules and shared code may import
// from src/server nothing but types (the request Context, the Services it carries).
const SERVER_TYPES_ONLY = {
  regex: "^(\\.\\./)+server(/|$)",
  allowTypeImports: true,
  message: "Modules import only types from src/server; move the code into the module or src/shared.",
};

module.exports = tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      ".data/",
      "src/client/generated/",
      "packages/client/src/generated/",
      "packages/client/dist/",
      "examples/site/dist/",
      "examples/site/src/gql/",
      "studio/src/gql/",
      "examples/site/.astro/",
      "bench/results/",
      "coverage/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "packages/client/scripts/*.js", "examples/site/scripts/*.js"] },
        tsconfigRootDir: __dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      // type-graphql resolvers return promises from non-async methods by design.
      "@typescript-eslint/promise-function-async": "off",
      "@typescript-eslint/no-unsafe-function-type": "off",
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
    },
  },
  {
    files: ["src/shared/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [SERVER_TYPES_ONLY] }] },
  },
  {
    // A module reaches another only through its faces: index.ts for code and types, resolvers.ts
    // for the GraphQL layer (resolver classes, and the helpers other modules' resolvers build on).
    // Type imports too: a type-level circle is still a circle (npm run deps:check counts them).
    files: ["src/modules/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            SERVER_TYPES_ONLY,
            {
              regex: "^(?:\\.\\./(?!\\.)|(?:\\.\\./)+modules/)[^/]+/(?!(?:index|resolvers)$).+",
              message:
                "Import another module through its index.ts (or resolvers.ts for the GraphQL layer); export what you need there. Within a module, import ./file.",
            },
          ],
        },
      ],
    },
  },
  {
    // Everything outside the modules (server, CLI, database wiring, seed) reaches a module only
    // through its faces: index.ts for code, resolvers.ts for the schema. What a module keeps
    // inside stays free to move. Tests and the bench may look inside (unit tests are white-box).
    files: ["src/server/**/*.ts", "src/cli/**/*.ts", "src/db/**/*.ts", "src/seed/**/*.ts", "src/main.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+modules/[^/]+/(?!resolvers$).+",
              message: "Import a module through its index.ts (or resolvers.ts for the schema); export what you need there.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { require: "readonly", module: "writable", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
