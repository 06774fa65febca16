import { Body, Controller, HttpCode, Ip, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-errors';
import { ApiErrors } from '../common/error.responses';
import { Actor } from './actor';
import { CurrentActor, Public } from './auth.decorators';
import { EnrolmentConfirmedResponse, EnrolmentRequiredResponse, EnrolmentSecretResponse, EnrolmentStartedResponse, TokenResponse } from './auth.responses';
import { AuthService } from './auth.service';
import { ConfirmEnrolmentDto, EnrolDto, LoginDto } from './login.dto';

const LIMIT = { public: { limit: 20, ttl: 60_000 } };

@ApiTags('auth')
@ApiErrors(429)
@UseGuards(ThrottlerGuard)
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /**
   * 200 `{ accessToken }`; 401 `TWO_FACTOR_REQUIRED` when the account's code is missing or wrong;
   * 403 `TWO_FACTOR_ENROLMENT_REQUIRED` with an `enrolmentToken` when it must set one up first.
   */
  @Public()
  @Throttle(LIMIT)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with e-mail, password and (where the account has one) the second-factor code' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiForbiddenResponse({ type: EnrolmentRequiredResponse, description: 'TWO_FACTOR_ENROLMENT_REQUIRED: set up a second factor with enrolmentToken first' })
  @ApiErrors(400, 401)
  async login(@Body() body: LoginDto, @Ip() address: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const outcome = await this.auth.login({ email: body.email, password: body.password, otp: body.otp, address });
    if (outcome.kind === 'second_factor') throw new DomainError('TWO_FACTOR_REQUIRED', 'This account has a second factor: send otp, the 6-digit code from the authenticator app (or a recovery code)');
    if (outcome.kind === 'enrolment_required') {
      reply.status(403);
      return {
        statusCode: 403,
        error: 'Forbidden',
        message: 'This account must have a second factor: POST /api/v1/auth/2fa/enrol with this enrolmentToken, then /2fa/confirm with the first code',
        code: 'TWO_FACTOR_ENROLMENT_REQUIRED',
        enrolmentToken: outcome.enrolmentToken,
      };
    }
    return this.auth.issueToken(outcome.user);
  }

  /** Ends every session and token of the account. */
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End every session and token of the account' })
  @ApiNoContentResponse({ description: 'Logged out everywhere' })
  @ApiErrors(401, 403)
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.auth.logout(actor);
  }

  /** `{ secret, otpauthUri }` for the authenticator app (base32, SHA-1, 6 digits, 30 s). */
  @Public()
  @Throttle(LIMIT)
  @Post('2fa/enrol')
  @HttpCode(200)
  @ApiOperation({ summary: 'The TOTP secret for the authenticator app, for an enrolment token' })
  @ApiOkResponse({ type: EnrolmentSecretResponse })
  @ApiErrors(400, 401, 409)
  enrol(@Body() body: EnrolDto) {
    return this.auth.enrol(body.enrolmentToken);
  }

  /** The first code turns the second factor on: `{ accessToken, recoveryCodes }` (shown this once). */
  @Public()
  @Throttle(LIMIT)
  @Post('2fa/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn the second factor on with its first code; logs in and returns the recovery codes once' })
  @ApiOkResponse({ type: EnrolmentConfirmedResponse })
  @ApiErrors(400, 401, 409)
  async confirm(@Body() body: ConfirmEnrolmentDto, @Ip() address: string) {
    const { user, recoveryCodes } = await this.auth.confirmEnrolment(body.enrolmentToken, body.otp, address);
    return { ...(await this.auth.issueToken(user)), recoveryCodes };
  }

  /** A logged-in account without a second factor (a council member, where it is offered) starts one. */
  @ApiBearerAuth()
  @Post('2fa/start')
  @HttpCode(201)
  @ApiOperation({ summary: 'Start setting up a second factor on an account that has none' })
  @ApiCreatedResponse({ type: EnrolmentStartedResponse })
  @ApiErrors(401, 403, 409)
  async start(@CurrentActor() actor: Actor) {
    return { enrolmentToken: await this.auth.startEnrolment(actor) };
  }
}
