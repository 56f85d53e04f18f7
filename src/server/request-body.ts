import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

import type { StreamRequestBody } from './api-types.js';
import { OPENAPI } from './openapi.js';
import { HttpError } from './errors.js';

/** The API's request bodies by schema name, as openapi.ts declares them. */
interface RequestBodies {
  StreamRequest: StreamRequestBody;
}
export type RequestSchema = keyof RequestBodies;

const SCHEMAS = 'openapi#/components/schemas/';

/** A route's body schema as Fastify is given it: a reference into the OpenAPI document. */
export interface BodySchema {
  readonly $ref: `${typeof SCHEMAS}${RequestSchema}`;
}

export const bodySchema = (schema: RequestSchema): BodySchema => ({ $ref: `${SCHEMAS}${schema}` });

// The OpenAPI document is the one statement of what a request may hold; bodies are checked by it.
// `discriminator` makes a oneOf on `kind` report the errors of the branch the body chose.
const ajv = new Ajv2020.default({ allErrors: true, strict: false, discriminator: true });
ajv.addSchema({ $id: 'openapi', components: OPENAPI.components });

/**
 * Fastify's validator for a route's body schema (its validator compiler): the schema of the OpenAPI
 * document compiled by this Ajv, which coerces and removes nothing, where Fastify's own would turn
 * "5" into 5 and drop an unknown field instead of refusing it. What it finds is said by bodyRefusal.
 */
export function bodyValidator(schema: BodySchema): ValidateFunction {
  const validate = ajv.getSchema(schema.$ref);
  if (validate === undefined) throw new Error(`the API has no schema ${schema.$ref}`);
  return validate;
}

/** A body its schema refused, as the client is told: 400 with a sentence naming every problem. */
export function bodyRefusal(schema: RequestSchema, errors: readonly SchemaError[]): HttpError {
  return new HttpError(400, `the request body is not a ${schema}: ${errors.map(problem).join('; ')}`);
}

/** What keeps `value` from being the named schema of the API, one phrase each; none when it is. */
export function schemaProblems(schema: RequestSchema, value: unknown): string[] {
  const validate = ajv.getSchema(`${SCHEMAS}${schema}`);
  if (validate === undefined) throw new Error(`the API has no schema ${schema}`);
  return validate(value) ? [] : (validate.errors ?? []).map(problem);
}

/** What problem() reads of an Ajv error (Fastify hands them over as its FastifySchemaValidationError). */
type SchemaError = Pick<ErrorObject, 'keyword' | 'instancePath' | 'message'> & { readonly params: Record<string, unknown> };

function problem(error: SchemaError): string {
  const where = error.instancePath === '' ? 'the body' : JSON.stringify(error.instancePath.slice(1).replaceAll('/', '.'));
  const { params } = error;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field ${JSON.stringify(params.additionalProperty)}`;
    case 'enum':
      return `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'discriminator':
      return `${where} needs "kind": one of ${discriminatorValues().join(', ')}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

const discriminatorValues = (): string[] =>
  OPENAPI.components.schemas.StreamRequest.oneOf.map((branch) => JSON.stringify(branch.properties.kind.const));
