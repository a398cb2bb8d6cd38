// Must be the first import of the webview bundle: zod decides when a schema is built whether it may
// compile parsers with `new Function`, which the dashboard's CSP (no 'unsafe-eval') forbids. Under
// `jitless` zod neither compiles nor probes for eval, so no CSP violation is even reported.
import * as z from 'zod/mini';

z.config({ jitless: true });
