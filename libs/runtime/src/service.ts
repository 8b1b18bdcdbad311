import { DynamicModule, INestMicroservice, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { JSONCodec, type NatsConnection } from 'nats';
import { HallwatchEnv, metricsPortFor, NatsAuth, SiteConfig } from '@hallwatch/config';
import { ServiceName, Subjects } from '@hallwatch/contracts';
import { HallwatchLogger } from './logger';
import { ServiceMetrics } from './metrics';
import { migrateAtStart, ServiceSchemas } from './migrations';
import { NatsAdapter, NatsAdapterOptions } from './nats-adapter';
import { RpcRefusalFilter, SafeServerNats } from './rpc-errors';

/** What every service is started with: validated settings and the servers to talk to. */
export interface ServiceContext {
  env: HallwatchEnv;
  site: SiteConfig;
  natsUrl: string;
  mongodbUri: string;
  /** How this process signs in to NATS (natsAuth of its identity); none when unset. */
  natsAuth?: NatsAuth;
}

export const SERVICE_CONTEXT = Symbol('SERVICE_CONTEXT');
export const InjectContext = () => Inject(SERVICE_CONTEXT);

/** One instance's answer on Subjects.health(service): every instance answers for itself. */
export interface HealthReport {
  service: string;
  instance: string;
  database: 'ok' | 'down';
  at: string;
  /** What the service adds (ServiceMetrics.healthDetail): inference its halls, ingestion its cameras. */
  [detail: string]: unknown;
}

/**
 * Answers Subjects.health(service) outside the service's queue group, so that a request with
 * several replies hears from every live instance; each answer makes a real database round trip.
 */
function answerHealth(service: ServiceName, nats: NatsConnection, connection: Connection, instance: string, metrics: ServiceMetrics): void {
  const codec = JSONCodec<HealthReport>();
  nats.subscribe(Subjects.health(service), {
    callback: (err, msg) => {
      if (err || !msg.reply) return;
      void (async () => {
        let database: HealthReport['database'] = 'down';
        try {
          await connection.db?.admin().ping();
          database = 'ok';
        } catch {
          // reported as down; the gateway shows it per instance
        }
        msg.respond(codec.encode({ ...metrics.healthDetails(), service, instance, database, at: new Date().toISOString() }));
      })();
    },
  });
}

/** Its own registry, ready only while its database answers a ping (the service adds its other checks). */
function serviceMetrics(service: ServiceName, connection: Connection): ServiceMetrics {
  const metrics = new ServiceMetrics(service);
  metrics.readiness('database', async () => {
    if (!connection.db) throw new Error('not connected');
    await connection.db.admin().ping();
  });
  return metrics;
}

/** The process's NatsAdapter for `ctx`, named `<name>-<instance>` on the server. */
export function contextNats(ctx: ServiceContext, name: string, connect?: NatsAdapterOptions['connect']): NatsAdapter {
  return new NatsAdapter({
    natsUrl: ctx.natsUrl,
    name: `${name}-${ctx.env.instance}`,
    replicas: ctx.env.streamReplicas,
    auth: ctx.natsAuth,
    connect,
  });
}

/**
 * The modules every microservice shares: its context, its one NATS connection (NatsAdapter), the
 * database and its metrics.
 */
export function serviceCoreModule(service: ServiceName, ctx: ServiceContext): DynamicModule {
  @Module({})
  class ServiceCoreModule implements OnApplicationShutdown {
    constructor(private readonly nats: NatsAdapter) {}

    // A global module's hook runs after every other module's, so nothing uses the connection after this.
    async onApplicationShutdown(): Promise<void> {
      await this.nats.close();
    }
  }
  return {
    module: ServiceCoreModule,
    global: true,
    imports: [MongooseModule.forRoot(ctx.mongodbUri, { serverSelectionTimeoutMS: 5000, maxPoolSize: ctx.env.dbPoolSize })],
    providers: [
      { provide: SERVICE_CONTEXT, useValue: ctx },
      { provide: NatsAdapter, useValue: contextNats(ctx, service) },
      {
        provide: ServiceMetrics,
        useFactory: (connection: Connection) => serviceMetrics(service, connection),
        inject: [getConnectionToken()],
      },
    ],
    exports: [SERVICE_CONTEXT, NatsAdapter, MongooseModule, ServiceMetrics],
  };
}

/**
 * Starts a service as a @nestjs/microservices app on NATS, in a queue group named after it, with
 * its metrics and probes listener (see ServiceMetrics.listen) open while it starts: /healthz
 * answers at once, /readyz once it has started and its checks pass. A service with collections
 * (`schemas`) migrates them first (migrateAtStart): nothing is consumed or answered before.
 */
export async function startMicroservice(
  service: ServiceName,
  module: DynamicModule,
  ctx: ServiceContext,
  schemas?: ServiceSchemas,
): Promise<INestMicroservice> {
  const logger = new HallwatchLogger(service);
  // The transport's requests arrive on the connection every repository of the service uses (NatsAdapter), known once the app is made.
  const strategy = new SafeServerNats({ connection: (): Promise<NatsConnection> => app.get(NatsAdapter).connection() }, { queue: service });
  const app: INestMicroservice = await NestFactory.createMicroservice<MicroserviceOptions>(module, { strategy, logger });
  app.enableShutdownHooks();
  app.useGlobalFilters(new RpcRefusalFilter());
  const metrics = app.get(ServiceMetrics);
  const connection = app.get<Connection>(getConnectionToken());
  await metrics.listen(ctx.env.metricsHost, metricsPortFor(ctx.env, service), logger);
  if (schemas) {
    const db = connection.db;
    if (!db) throw new Error(`${service}: the database connection is not open, so its schema cannot be checked`);
    await migrateAtStart(db, schemas, ctx, app.get(NatsAdapter), new HallwatchLogger('migrations'));
  }
  await app.listen();
  answerHealth(service, await app.get(NatsAdapter).connection(), connection, ctx.env.instance, metrics);
  metrics.markStarted();
  return app;
}
