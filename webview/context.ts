// What a tab view needs from the app: the current choices, the status, the theme, and a way to
// change the choices (which persists them and tells the host).
import type { ErrorCode } from '../src/shared/errorCode';
import type { Status, UiState } from '../src/shared/protocol';
import type { ThemeColors } from './theme';

export interface QueryState {
  /** The host is fetching data for the current choices. */
  readonly loading: boolean;
  /** The last fetch for the current choices failed. */
  readonly error: { readonly message: string; readonly kind: ErrorCode } | undefined;
}

export interface ViewContext {
  readonly ui: UiState;
  /** dataKey(ui): the request key data must carry to be the current choices' data. */
  readonly key: string;
  readonly status: Status | undefined;
  readonly theme: ThemeColors;
  readonly query: QueryState;
  readonly projectNames: Readonly<Record<string, string>>;
  /** Applies a change to the UI state: saved with setState and sent to the host. */
  update(change: (ui: UiState) => UiState): void;
  retry(): void;
}

export interface TabView {
  readonly element: HTMLElement;
  render(ctx: ViewContext): void;
  applyTheme(ctx: ViewContext): void;
}
