import type { ActionMetadata } from './action-metadata.js';

/** Markdown cell text: one line, pipes escaped, so a multi-line YAML description cannot break the table. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

function code(text: string): string {
  if (text === '') return '`""`';
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cell(text)}${pad}${fence}`;
}

/** The inputs and outputs tables for one action, as markdown (not yet aligned; Prettier aligns it). */
export function renderActionDocs(action: ActionMetadata): string {
  const lines: string[] = ['**Inputs**', ''];
  if (action.inputs.length === 0) {
    lines.push('This action has no inputs.');
  } else {
    lines.push('| Name | Description | Default | Required |', '| --- | --- | --- | --- |');
    for (const input of action.inputs) {
      const dflt = input.default === undefined ? '' : code(input.default);
      lines.push(`| \`${input.name}\` | ${cell(input.description)} | ${dflt} | ${input.required ? 'yes' : 'no'} |`);
    }
  }
  lines.push('', '**Outputs**', '');
  if (action.outputs.length === 0) {
    lines.push('This action has no outputs.');
  } else {
    lines.push('| Name | Description |', '| --- | --- |');
    for (const output of action.outputs) {
      lines.push(`| \`${output.name}\` | ${cell(output.description)} |`);
    }
  }
  return lines.join('\n') + '\n';
}

const BLOCK = /(<!-- action-docs:([A-Za-z0-9._-]+) -->)[\s\S]*?(<!-- \/action-docs:\2 -->)/g;

/** The action names whose docs markers appear in a README, in order. */
export function markedActions(readme: string): string[] {
  return [...readme.matchAll(BLOCK)].map((m) => m[2]);
}

/**
 * Replaces the text between each `<!-- action-docs:NAME -->` and `<!-- /action-docs:NAME -->` pair with
 * `docs(NAME)`; text outside the markers is kept byte for byte.
 */
export function replaceDocsBlocks(readme: string, docs: (name: string) => string): string {
  return readme.replace(
    BLOCK,
    (_all, open: string, name: string, close: string) => `${open}\n\n${docs(name).trimEnd()}\n\n${close}`,
  );
}

/** One row of the root README's Actions table. */
export interface ActionRow {
  /** Folder name under actions/. */
  dir: string;
  /** action.yml `name`. */
  name: string;
  /** What the action replaces, from its README's `<!-- replaces: ... -->` line; undefined when missing. */
  replaces?: string;
  /** Whether actions/<dir>/README.md exists (the link goes to the folder otherwise). */
  hasReadme?: boolean;
}

const REPLACES = /<!--\s*replaces:\s*([\s\S]*?)\s*-->/;

/** The `<!-- replaces: ... -->` text of an action's README, if it has one. */
export function replacesOf(readme: string): string | undefined {
  const text = REPLACES.exec(readme)?.[1]?.trim();
  return text === '' ? undefined : text;
}

/** The Actions table: each action linked to its README, what it does, and what it replaces. */
export function renderActionsTable(rows: ActionRow[]): string {
  const lines = ['| Action | What it does | Replaces |', '| --- | --- | --- |'];
  for (const r of rows) {
    const link = r.hasReadme === false ? `actions/${r.dir}` : `actions/${r.dir}/README.md`;
    lines.push(`| [\`${r.dir}\`](${link}) | ${cell(r.name)} | ${cell(r.replaces ?? '')} |`);
  }
  return lines.join('\n') + '\n';
}

const TABLE = /(<!-- actions-table -->)[\s\S]*?(<!-- \/actions-table -->)/;

export function hasActionsTable(readme: string): boolean {
  return TABLE.test(readme);
}

/** Replaces the text between `<!-- actions-table -->` and `<!-- /actions-table -->`. */
export function replaceActionsTable(readme: string, table: string): string {
  return readme.replace(TABLE, (_all, open: string, close: string) => `${open}\n\n${table.trimEnd()}\n\n${close}`);
}
