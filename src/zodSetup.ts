// Imported first by each host bundle (extension, network, CLI). Without `jitless`, zod probes
// whether it may compile parsers with `new Function`, and that probe reads `navigator`, which
// VS Code's extension host reports as an error on Node 22+. Our payloads are small: the
// interpreted parsers are fast enough.
import * as z from 'zod/mini';

z.config({ jitless: true });
