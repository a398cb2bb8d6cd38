// The webview's handle on VS Code: messages to the host and the persisted UI state.
import type { WebviewMessage } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called only once per page.
const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function getSavedState(): unknown {
  return api.getState();
}

/** UI state only (tab, range, filters, sort): data is never kept here, the host re-sends it. */
export function saveState(state: unknown): void {
  api.setState(state);
}
