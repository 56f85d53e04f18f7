import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

describe('the dependencies on Node 20', () => {
  // light-my-request 6.8 asks for cookie 2, which declares Node >= 22; package.json overrides it with
  // cookie 1.1.1, which has the same stringifySetCookie. Fastify's inject() is where it is used.
  it("Fastify's inject sends cookies through the overridden cookie package", async () => {
    const app = Fastify();
    app.get('/', (request) => ({ cookie: request.headers.cookie }));
    try {
      const answer = await app.inject({ method: 'GET', url: '/', cookies: { desk: 'north', token: 'a b' } });
      expect(answer.json()).toEqual({ cookie: 'desk=north; token=a%20b' });
    } finally {
      await app.close();
    }
  });
});
