import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { createValidationPipe } from './common/validation.pipe';
import { MAX_BODY_DEPTH, nestedDeeperThan } from './common/body-shape';
import { AppConfig } from './config/app-config';
import { registerWebPlugins } from './web/web-plugins';
import { requestId } from './logging/logging';
import { MetricsService } from './metrics/metrics.service';

/** Largest JSON body accepted; a complaint with every field filled fits well within it. */
export const BODY_LIMIT = 64 * 1024;

const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
// Swagger UI needs inline script and style; only its own pages get this.
const DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'";

/** Builds the whole application exactly as production runs it; tests use the same function. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy ?? false,
    logger: false,
    // Fastify names the request before pino-http sees it, so the id comes from here.
    requestIdHeader: false,
    genReqId: requestId,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, options), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // Start-up lines (e.g. the generated admin password) are buffered until listen(); tests only init().
  app.flushLogs();
  app.useGlobalPipes(createValidationPipe());
  await app.register(helmet, { contentSecurityPolicy: false, referrerPolicy: { policy: 'no-referrer' } });
  // Pages, CSS and JSON travel compressed (phones on slow links); brotli at a quality that costs
  // little CPU per response, gzip for the rest; bodies under 1 KB are not worth it.
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 1024, brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } } });
  await registerWebPlugins(app, config);
  app.get(MetricsService).instrument(app.getHttpAdapter().getInstance());
  // Every body (JSON and form alike) is checked for depth after parsing and before any pipe:
  // class-transformer and class-validator recurse and would overflow the stack on a deep one.
  app.getHttpAdapter().getInstance().addHook('preValidation', async (req, reply) => {
    if (req.body !== null && typeof req.body === 'object' && nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
      await reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `The request body is nested more than ${MAX_BODY_DEPTH} levels deep; send a flatter body` });
      return reply;
    }
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (req, reply) => {
      reply.header('content-security-policy', req.url.startsWith('/api/docs') ? DOCS_CSP : STRICT_CSP);
    });
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('KPAC tracker')
      .setDescription('Complaints and feedback for Key Population Advisory Councils')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc);
  app.enableShutdownHooks();
  await app.init();
  return app;
}
