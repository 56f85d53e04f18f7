import Ajv2020 from 'ajv/dist/2020.js';
import { EVENT_SCHEMA, type MienEvent } from './events.js';

// Only `date-time` is used; checking it here keeps ajv-formats out of the dependencies.
const ajv = new Ajv2020.default({ allErrors: true, strict: true, formats: { 'date-time': (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s) } });
const check = ajv.compile(EVENT_SCHEMA);

/** The problems that keep `value` from being a Mien event; empty when it is one. */
export function eventProblems(value: unknown): string[] {
  if (check(value)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export function isMienEvent(value: unknown): value is MienEvent {
  return check(value);
}
