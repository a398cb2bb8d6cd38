// The dashboard webview's entry point (bundled by esbuild as a browser IIFE).
// zodConfig must come first: the protocol's schemas are built when their module loads.
import './zodConfig';
// Then the words and the locale, before any module that says something.
import './l10nSetup';
// Only the @vscode-elements components the dashboard uses.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { App } from './app';
import { post } from './vscodeApi';

// Script errors and CSP refusals go to the extension's log, where they can be seen.
window.addEventListener('error', (ev) => post({ type: 'clientError', message: String(ev.message).slice(0, 2000) }));
window.addEventListener('unhandledrejection', (ev: PromiseRejectionEvent) =>
  post({ type: 'clientError', message: `unhandled rejection: ${String(ev.reason)}`.slice(0, 2000) }),
);
document.addEventListener('securitypolicyviolation', (ev) =>
  post({ type: 'clientError', message: `CSP violation: ${ev.violatedDirective} blocked ${ev.blockedURI || 'inline'}`.slice(0, 2000) }),
);

const root = document.getElementById('app');
if (root) new App(root).start();
