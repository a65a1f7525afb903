/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas the handler
 * validates with.
 * @module
 */
import type { Queue, StandardSchemaV1 } from '@waitline/core';
import { z } from 'zod';
import type { Route, RouteAnswer } from './router.js';
import { COMPONENTS } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any', io }) as JsonSchema;
  return rest;
}

function answerContent(answer: RouteAnswer): Record<string, unknown> | undefined {
  if (answer.type) return { [answer.type]: { schema: { type: 'string' } } };
  if (answer.schema === undefined) return undefined;
  const schema = typeof answer.schema === 'string' ? { $ref: `#/components/schemas/${answer.schema}` } : toSchema(answer.schema);
  return { 'application/json': { schema } };
}

function parameters(route: Route): unknown[] {
  const path = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (!route.query) return path;
  const query = toSchema(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  const fromQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    schema,
  }));
  return [...path, ...fromQuery];
}

function operation(route: Route, addSchemas: Map<string, StandardSchemaV1>): Record<string, unknown> {
  const op: Record<string, unknown> = {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method.toLowerCase()}${route.path.replace(/\/:?(\w)(\w*)/g, (_, a: string, b: string) => a.toUpperCase() + b)}`,
    parameters: parameters(route),
    responses: {
      ...Object.fromEntries(Object.entries(route.answers).map(([status, a]) => [status, { description: a.description, content: answerContent(a) }])),
      // Every route can also answer an error its table does not list: 401/403 from authorize, 404 for a queue not served,
      // 413/415 for a body, 500. Each is the Error body.
      default: { description: 'any other error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
  if (route.action) {
    // Admin routes answer what the app's authorize(request, action) decides; the action names it.
    op['x-waitline-action'] = route.action;
  }
  if (route.body) {
    const body = toSchema(route.body, 'input');
    const oneOf = route.path === '/queues/:queue/jobs' ? payloadVariants(addSchemas) : undefined;
    op.requestBody = { required: true, content: { 'application/json': { schema: oneOf ? { ...body, 'x-payload-by-queue': oneOf } : body } } };
  }
  return op;
}

/**
 * A queue's payload schema as JSON Schema: a zod schema converts exactly; another validator's
 * (valibot, arktype, …) is described as an object it validates, since Standard Schema v1 carries
 * no JSON Schema of its own.
 */
function payloadSchema(schema: StandardSchemaV1): JsonSchema {
  try {
    if (schema instanceof z.ZodType) return toSchema(schema, 'input');
  } catch {
    // A zod schema z.toJSONSchema cannot represent: described like another validator's.
  }
  return { type: 'object', description: `validated by the queue's ${schema['~standard'].vendor} schema` };
}

/** The payload schema of each queue that has one, for the submit route. */
function payloadVariants(schemas: Map<string, StandardSchemaV1>): Record<string, JsonSchema> | undefined {
  if (schemas.size === 0) return undefined;
  return Object.fromEntries([...schemas].map(([name, s]) => [name, payloadSchema(s)]));
}

/** Builds the document for a route table served under `basePath`. */
export function buildOpenApi(routes: readonly Route[], basePath: string, queues: readonly Queue[]): Record<string, unknown> {
  const addSchemas = new Map<string, StandardSchemaV1>();
  for (const q of queues) if (q.schema) addSchemas.set(q.name, q.schema);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.hidden) continue;
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, addSchemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Waitline', version: '1', description: 'Job status (position, ETA, progress), queue administration and live events.' },
    servers: [{ url: basePath || '/' }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([name, s]) => [name, toSchema(s)])),
    },
    'x-queues': queues.map((q) => q.name),
  };
}
