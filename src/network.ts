// The network layer, built as its own bundle (dist/network.js) and loaded on first use, so
// activation neither parses nor runs undici and the client (SPEC: lazy, off the activation path).
import './zodSetup';
export { UsageClient, validateBaseUrl, validateQuery } from './api/client';
export { createProxyDispatcher } from './api/proxy';
export { TeamServerSource } from './usage/teamSource';
