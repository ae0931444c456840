import Fastify, { FastifyInstance } from 'fastify';
import { allowedMethods, answerMethodNotAllowed } from './method-not-allowed';

describe('405 for a method a path does not have', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    answerMethodNotAllowed(app);
    app.get('/things', async () => []);
    app.post('/things', async () => ({}));
    app.get('/things/:id', async () => ({}));
    app.delete('/things/:id', async () => null);
    await app.ready();
  });
  afterAll(() => app.close());

  it('lists what the router routes for a concrete URL, HEAD for GET included', () => {
    expect(allowedMethods(app, '/things')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods(app, '/things/7?x=1')).toEqual(['GET', 'HEAD', 'DELETE']);
    expect(allowedMethods(app, '/things/7/parts')).toEqual([]);
    expect(allowedMethods(app, '/nothing')).toEqual([]);
  });

  it('answers 405 problem+json with Allow, and leaves unknown paths and known methods alone', async () => {
    const res = await app.inject({ method: 'PUT', url: '/things/7' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, DELETE');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    const unknown = await app.inject({ method: 'PUT', url: '/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers.allow).toBeUndefined();
    expect((await app.inject({ method: 'DELETE', url: '/things/7' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/things' })).statusCode).toBe(200);
  });
});
