import { Global, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createSecretKey } from 'node:crypto';
import { JwtModule } from '@nestjs/jwt';
import { deriveKey } from '../common/crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle.service';
import { JobRegistry } from '../queue/job-registry';
import { QueueModule } from '../queue/queue.module';
import { SecondFactorService } from './second-factor.service';
import { StaffSessions } from './staff-sessions.service';

@Global()
@Module({
  imports: [
    QueueModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a public
        // key on every verify, which costs more than the HMAC itself. Same key bytes as before.
        secret: createSecretKey(Buffer.from(deriveKey(config.appSecret, 'staff-token').toString('base64'))),
        signOptions: { expiresIn: config.tokenTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, LoginThrottle, SecondFactorService, StaffSessions, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, SecondFactorService, StaffSessions],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly sessions: StaffSessions,
    private readonly secondFactor: SecondFactorService,
    private readonly throttle: LoginThrottle,
  ) {}

  onModuleInit(): void {
    this.registry.register('auth.prune', async () => ({
      staffSessionsPruned: await this.sessions.prune(),
      loginStepsPruned: await this.secondFactor.pruneChallenges(),
      loginCountersPruned: await this.throttle.prune(),
    }));
  }
}
