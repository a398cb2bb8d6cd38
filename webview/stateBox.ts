// The loading and error states of a tab's query, shared by every tab view.
import { h, replaceChildren } from './dom';
import type { ViewContext } from './context';
import { post } from './vscodeApi';

/** Error kinds where the key is the problem, so "Set Admin Key" is the next step. */
const KEY_ERRORS = new Set(['AuthError', 'PermissionError']);

export function renderQueryState(box: HTMLElement, ctx: ViewContext, hasData: boolean): void {
  const { loading, error } = ctx.query;
  box.classList.toggle('hidden', !loading && !error);
  if (loading) {
    replaceChildren(
      box,
      h('vscode-progress-ring', { 'aria-hidden': 'true', class: 'ring' }),
      h('span', {}, hasData ? 'Updating…' : 'Loading…'),
    );
    return;
  }
  if (error) {
    replaceChildren(
      box,
      h('p', { class: 'error-text' }, error.message),
      h(
        'div',
        { class: 'actions' },
        h('vscode-button', { onclick: () => ctx.retry() }, 'Try again'),
        KEY_ERRORS.has(error.kind)
          ? h('vscode-button', { secondary: true, onclick: () => post({ type: 'command', command: 'openaiUsage.setAdminKey' }) }, 'Set Admin Key')
          : null,
      ),
    );
    return;
  }
  box.replaceChildren();
}
