// Form controls from @vscode-elements, with a visible label wired to each for screen readers.
import type { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/vscode-multi-select.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import { MAX_ID_LENGTH, MAX_LIST_LENGTH } from '../src/shared/protocol';
import { h, uid } from './dom';
import * as l10n from '@vscode/l10n';

export interface Choice {
  readonly value: string;
  readonly label: string;
}

export interface Field<E extends HTMLElement> {
  /** The label and the control, to put in a toolbar. */
  readonly wrapper: HTMLElement;
  readonly control: E;
}

function options(choices: readonly Choice[], selected: (value: string) => boolean): HTMLElement[] {
  return choices.map((c) => h('vscode-option', { value: c.value, selected: selected(c.value) }, c.label));
}

function sameChoices(select: HTMLElement, choices: readonly Choice[]): boolean {
  const current = [...select.querySelectorAll('vscode-option')].map((o) => `${o.getAttribute('value') ?? ''}\u0000${o.textContent ?? ''}`);
  return current.length === choices.length && choices.every((c, i) => current[i] === `${c.value}\u0000${c.label}`);
}

export function singleSelect(label: string, choices: readonly Choice[], value: string, onChange: (value: string) => void): Field<VscodeSingleSelect> {
  const id = uid('sel');
  const control = h('vscode-single-select', { id, 'data-label': label }, ...options(choices, (v) => v === value));
  control.label = label;
  control.addEventListener('change', () => onChange(control.value));
  return { wrapper: h('div', { class: 'field' }, h('vscode-label', { for: id }, label), control), control };
}

/** Puts the select on `value` and, when they changed, on a new list of choices. */
export function syncSingle(control: VscodeSingleSelect, choices: readonly Choice[], value: string): void {
  if (!sameChoices(control, choices)) control.replaceChildren(...options(choices, (v) => v === value));
  if (control.value !== value) control.value = value;
}

/** Typed values, kept to what the host's schema accepts (it would refuse the whole view otherwise). */
export function cleanValues(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const t = v.trim();
    if (t.length > 0 && t.length <= MAX_ID_LENGTH) out.add(t);
  }
  return [...out].slice(0, MAX_LIST_LENGTH);
}

export function multiSelect(
  label: string,
  choices: readonly Choice[],
  values: readonly string[],
  onChange: (values: string[]) => void,
  opts: { readonly creatable?: boolean } = {},
): Field<VscodeMultiSelect> {
  const id = uid('multi');
  const set = new Set(values);
  const control = h(
    'vscode-multi-select',
    { id, combobox: true, creatable: opts.creatable === true, 'data-label': label },
    ...options(withSelected(choices, values), (v) => set.has(v)),
  );
  control.label = label;
  // The control itself only says "N Selected": spell out what is selected (none means all).
  const summary = h('span', { class: 'selection', 'aria-live': 'polite' });
  summaries.set(control, summary);
  describeSelection(control, values);
  control.addEventListener('change', () => {
    const picked = cleanValues(control.value);
    describeSelection(control, picked);
    onChange(picked);
  });
  return { wrapper: h('div', { class: 'field' }, h('vscode-label', { for: id }, label), control, summary), control };
}

const summaries = new WeakMap<VscodeMultiSelect, HTMLElement>();

function describeSelection(control: VscodeMultiSelect, values: readonly string[]): void {
  const summary = summaries.get(control);
  if (!summary) return;
  const labels = new Map([...control.querySelectorAll('vscode-option')].map((o) => [o.getAttribute('value') ?? '', o.textContent ?? '']));
  const names = values.map((v) => labels.get(v) || v);
  summary.textContent = names.length === 0 ? l10n.t('All') : names.length <= 2 ? names.join(', ') : l10n.t('{0} and {1} more', names.slice(0, 2).join(', '), names.length - 2);
  summary.title = names.join(', ');
}

/** Selected values always stay choosable, even when the data no longer shows them. */
function withSelected(choices: readonly Choice[], values: readonly string[]): Choice[] {
  const known = new Set(choices.map((c) => c.value));
  return [...choices, ...values.filter((v) => !known.has(v)).map((v) => ({ value: v, label: v }))];
}

export function syncMulti(control: VscodeMultiSelect, choices: readonly Choice[], values: readonly string[]): void {
  // Never rebuild under the user's hands: an open dropdown keeps its list until it closes.
  if (control.open) return;
  const all = withSelected(choices, values);
  const set = new Set(values);
  if (!sameChoices(control, all)) control.replaceChildren(...options(all, (v) => set.has(v)));
  const current = [...control.value].sort().join('\u0000');
  const wanted = [...values].sort().join('\u0000');
  if (current !== wanted) control.value = [...values];
  describeSelection(control, values);
}
