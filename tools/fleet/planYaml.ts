// `fleet plan`, the pure part: a CI matrix job over the stacks, each job the same `pulumi up` a
// single stack gets (README "A real Azure Stack Hub cluster"), at most K at once, never two runs of
// one stack together (the CI's concurrency groups, and Pulumi's lock behind them).

export type PlanFormat = "github-actions" | "azure-pipelines";

/** Azure Pipelines' matrix entries are identifiers: letters, digits, underscores. */
export function matrixKey(stack: string): string {
  return stack.replace(/[^A-Za-z0-9_]/g, "_");
}

const q = (s: string): string => JSON.stringify(s);

function githubActions(stacks: readonly string[], maxParallel: number): string[] {
  return [
    "name: rotate-certs",
    "on:",
    "  workflow_dispatch:",
    "    inputs:",
    "      rotationId:",
    "        description: a new rotationId for every cluster (empty converges the configured one)",
    "        required: false",
    "jobs:",
    "  rotate:",
    "    # A runner that reaches the clusters' jump hosts and holds their _output folders.",
    "    runs-on: self-hosted",
    "    strategy:",
    "      fail-fast: false",
    `      max-parallel: ${maxParallel}`,
    "      matrix:",
    `        stack: [${stacks.map(q).join(", ")}]`,
    "    concurrency: rotate-certs-${{ matrix.stack }}",
    "    env:",
    "      PULUMI_BACKEND_URL: ${{ vars.PULUMI_BACKEND_URL }}",
    "      PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    "      STACK: ${{ matrix.stack }}",
    "      ROTATION_ID: ${{ inputs.rotationId }}",
    "    steps:",
    "      - uses: actions/checkout@v4",
    "      - run: npm ci && npm run setup",
    "      - if: inputs.rotationId != ''",
    '        run: npx pulumi config set rotationId "$ROTATION_ID" --stack "$STACK"',
    '      - run: npx pulumi up --stack "$STACK" --yes --non-interactive',
  ];
}

function azurePipelines(stacks: readonly string[], maxParallel: number): string[] {
  return [
    "trigger: none",
    "parameters:",
    "  - name: rotationId",
    "    displayName: a new rotationId for every cluster (blank converges the configured one)",
    "    type: string",
    "    default: ' '",
    "jobs:",
    "  - job: rotate",
    "    # An agent that reaches the clusters' jump hosts and holds their _output folders.",
    "    pool: { name: Default }",
    "    variables:",
    "      - group: aks-rotate-certs # PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE (secret)",
    "    strategy:",
    `      maxParallel: ${maxParallel}`,
    "      matrix:",
    ...stacks.flatMap((s) => [`        ${matrixKey(s)}:`, `          stack: ${q(s)}`]),
    "    steps:",
    "      - checkout: self",
    "      - script: npm ci && npm run setup",
    '      - script: npx pulumi config set rotationId "$ROTATION_ID" --stack "$(stack)"',
    "        condition: ne('${{ parameters.rotationId }}', ' ')",
    "        env: { ROTATION_ID: '${{ parameters.rotationId }}' }",
    '      - script: npx pulumi up --stack "$(stack)" --yes --non-interactive',
    "        env:",
    "          PULUMI_BACKEND_URL: $(PULUMI_BACKEND_URL)",
    "          PULUMI_CONFIG_PASSPHRASE: $(PULUMI_CONFIG_PASSPHRASE) # secrets reach a script only mapped",
  ];
}

export function planYaml(
  format: PlanFormat,
  stacks: readonly string[],
  maxParallel: number,
): string {
  const head = [
    `# Written by \`npm run fleet -- plan --format ${format}\`: one job per stack (${stacks.length}),`,
    "# each `pulumi up` on its stack; rerun the command when stacks are added or removed.",
  ];
  const body =
    format === "github-actions"
      ? githubActions(stacks, maxParallel)
      : azurePipelines(stacks, maxParallel);
  return [...head, ...body].join("\n") + "\n";
}
