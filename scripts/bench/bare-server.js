// The framework-free limit for reads: plain Fastify answering the very bytes of a
// product-read response. Started as its own process by scripts/bench.ts.
const fastify = require('fastify')({ logger: false });
const body = Buffer.from(process.env.BENCH_BODY || '{}');
fastify.get('/api/v1/products/:id', (_req, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
fastify.get('/health', (_req, reply) => reply.send({ status: 'ok' }));
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
