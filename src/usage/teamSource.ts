// The extension over a team server (`openai-usage-insight serve`): the same UsageSource as the
// live client, answered by the server with its own key, so the loader, model and dashboard work
// unchanged and no admin key sits on this machine. Only the read token travels.
import * as z from 'zod';
import type { Project, UsageBucket, UsageQuery } from '../shared/endpoints';
import { filterParams } from '../shared/endpoints';
import { getJson } from '../api/http';
import type { HttpOptions } from '../api/http';
import { responseShapeError } from '../api/errors';
import type { UsageSource } from './source';

const rowSchema = z.object({
  values: z.record(z.string(), z.number()),
  dims: z.record(z.string(), z.string()),
  currency: z.string().optional(),
  // Kept: the server relays the client's rows, which name their unit (tokens, images…).
  quantityUnit: z.string().optional(),
});
const bucketsSchema = z.object({
  buckets: z.array(z.object({ startTime: z.number().int(), endTime: z.number().int(), rows: z.array(rowSchema) })),
});
const projectsSchema = z.object({
  projects: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), createdAt: z.number().optional() })),
});

export interface TeamServerSourceOptions {
  /** The team server's URL, e.g. `http://127.0.0.1:9464`. */
  readonly serverUrl: string;
  /** The read token; optional for a loopback server without one. */
  readonly token?: string;
  readonly http?: HttpOptions;
}

/** The query string of /v1/query: the API's parameter names, plus `endpoint`. */
export function teamQueryParams(q: UsageQuery): URLSearchParams {
  const p = new URLSearchParams();
  p.set('endpoint', q.endpoint);
  p.set('start_time', String(q.startTime));
  if (q.endTime !== undefined) p.set('end_time', String(q.endTime));
  p.set('bucket_width', q.bucketWidth ?? '1d');
  for (const g of q.groupBy ?? []) p.append('group_by', g);
  for (const [name, value] of filterParams(q)) p.append(name, value);
  return p;
}

export class TeamServerSource implements UsageSource {
  readonly kind = 'api' as const;
  private readonly baseUrl: string;

  constructor(private readonly options: TeamServerSourceOptions) {
    this.baseUrl = options.serverUrl.replace(/\/+$/, '');
  }

  async query(query: UsageQuery, signal?: AbortSignal): Promise<UsageBucket[]> {
    const body = await this.get(`/v1/query?${teamQueryParams(query).toString()}`, signal);
    const parsed = bucketsSchema.safeParse(body);
    if (!parsed.success) throw responseShapeError('the team server (/v1/query)', parsed.error.issues[0]?.message ?? 'bad shape');
    return parsed.data.buckets;
  }

  async projects(signal?: AbortSignal): Promise<Project[]> {
    const parsed = projectsSchema.safeParse(await this.get('/v1/projects', signal));
    if (!parsed.success) throw responseShapeError('the team server (/v1/projects)', parsed.error.issues[0]?.message ?? 'bad shape');
    return parsed.data.projects;
  }

  private async get(path: string, signal?: AbortSignal): Promise<unknown> {
    // getJson adds `Authorization: Bearer <apiKey>`: here the read token, never an admin key.
    const response = await getJson({ baseUrl: this.baseUrl, path, apiKey: this.options.token ?? '', ...(signal ? { signal } : {}) }, this.options.http ?? {});
    return response.body;
  }
}
