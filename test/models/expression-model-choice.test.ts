import { afterEach, describe, expect, it } from 'vitest';
import { configuredExpressionModel } from '../../src/models/index.js';

const saved = process.env.MIEN_EXPRESSION_MODEL;
afterEach(() => {
  if (saved === undefined) delete process.env.MIEN_EXPRESSION_MODEL;
  else process.env.MIEN_EXPRESSION_MODEL = saved;
});

describe('configuredExpressionModel', () => {
  it('takes FaceExpressionNet when unset, and the model $MIEN_EXPRESSION_MODEL names', () => {
    delete process.env.MIEN_EXPRESSION_MODEL;
    expect(configuredExpressionModel()).toBe('face-api-expression-net');
    process.env.MIEN_EXPRESSION_MODEL = 'densenet121-fer';
    expect(configuredExpressionModel()).toBe('densenet121-fer');
  });

  it('refuses a name that is not an expression model, inherited object keys included', () => {
    for (const name of ['resnet', 'toString', 'constructor']) {
      process.env.MIEN_EXPRESSION_MODEL = name;
      expect(() => configuredExpressionModel(), name).toThrow(`MIEN_EXPRESSION_MODEL must be one of face-api-expression-net, densenet121-fer, got "${name}"`);
    }
  });
});
