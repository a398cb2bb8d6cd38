// The host's handling of what the webview sends: validate, then dispatch. No vscode, so it is
// unit-tested that a malformed message or a command off the allow-list runs nothing.
import { redact } from '../api/errors';
import { sanitizeShort } from '../shared/sanitize';
import { ALLOWED_COMMANDS, parseWebviewMessage } from '../shared/protocol';
import type { AllowedCommand, UiState } from '../shared/protocol';

export interface WebviewMessageHandlers {
  ready(): void;
  view(ui: UiState): void;
  retry(): void;
  /** Only ever called with a command of ALLOWED_COMMANDS. */
  command(command: AllowedCommand): void;
}

export interface MessageLog {
  warn(message: string): void;
}

/** Validates a message from the webview and calls the one handler it asks for; logs and drops anything else. */
export function handleWebviewMessage(raw: unknown, handlers: WebviewMessageHandlers, log: MessageLog): void {
  const msg = parseWebviewMessage(raw);
  if (!msg) {
    log.warn(`Dashboard: ignored a malformed message from the webview: ${describe(raw)}`);
    return;
  }
  switch (msg.type) {
    case 'ready':
      handlers.ready();
      break;
    case 'view':
      handlers.view(msg.ui);
      break;
    case 'retry':
      handlers.retry();
      break;
    case 'command':
      // The schema already refused anything else; checked again because this runs a command.
      if ((ALLOWED_COMMANDS as readonly string[]).includes(msg.command)) handlers.command(msg.command);
      break;
    case 'clientError':
      // Its text is the webview's, which may hold anything: one short plain line, redacted.
      log.warn(`Dashboard webview: ${redact(sanitizeShort(msg.message, 500))}`);
      break;
  }
}

/** The message's type only (never its content, which might hold anything), for the log. */
function describe(raw: unknown): string {
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type) : typeof raw;
  return redact(sanitizeShort(type, 80));
}
