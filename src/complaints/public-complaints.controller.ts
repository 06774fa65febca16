import { Body, Controller, Get, Header, HttpCode, Ip, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { ComplaintIntakeService } from './complaint-intake.service';
import { ComplaintTrackingService } from './complaint-tracking.service';
import { PublicComplaintDto } from './dto/create-complaint.dto';
import { FeedbackDto } from './dto/feedback.dto';
import { PublicFacilitiesQueryDto } from './dto/public-facilities-query.dto';
import { ConfirmComplaintDto, TrackComplaintDto } from './dto/track-complaint.dto';
import { FeedbackService } from './feedback.service';
import { FeedbackReceivedResponse, IntakeResponse, PublicCityResponse, PublicFacilityResponse, TrackResponse } from './public-complaint.responses';

/** No account needed; every route is rate limited per client by the 'public' throttler. */
@ApiTags('public')
@ApiErrors(429)
@Public()
@UseGuards(ThrottlerGuard)
@Controller('api/v1/public')
export class PublicComplaintsController {
  constructor(
    private readonly intake: ComplaintIntakeService,
    private readonly tracking: ComplaintTrackingService,
    private readonly feedback: FeedbackService,
  ) {}

  @Post('complaints')
  // The answer holds the tracking code: no browser or proxy may keep a copy.
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Submit a complaint; answers the reference and a tracking code shown only this once' })
  @ApiCreatedResponse({ type: IntakeResponse })
  @ApiErrors(400)
  submit(@Body() body: PublicComplaintDto) {
    return this.intake.submitPublic(body);
  }

  @Post('complaints/track')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Status, outcome and public timeline of a complaint' })
  @ApiOkResponse({ type: TrackResponse })
  @ApiErrors(400, 404)
  track(@Body() body: TrackComplaintDto, @Ip() ip: string) {
    return this.tracking.track(body, ip);
  }

  @Post('complaints/confirm')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The complainant's own verdict on a recorded outcome" })
  @ApiOkResponse({ type: TrackResponse })
  @ApiErrors(400, 404, 409)
  confirm(@Body() body: ConfirmComplaintDto, @Ip() ip: string) {
    return this.tracking.confirm(body, ip);
  }

  @Post('feedback')
  @ApiOperation({ summary: 'Rate a facility (1–5 on five aspects), anonymously' })
  @ApiCreatedResponse({ type: FeedbackReceivedResponse })
  @ApiErrors(400)
  rate(@Body() body: FeedbackDto) {
    return this.feedback.submit(body);
  }

  @Get('cities')
  @ApiOperation({ summary: 'Cities for the public forms' })
  @ApiOkResponse({ type: [PublicCityResponse] })
  cities() {
    return this.feedback.cities();
  }

  @Get('facilities')
  @ApiOperation({ summary: 'Facilities of a city for the public forms' })
  @ApiOkResponse({ type: [PublicFacilityResponse] })
  @ApiErrors(400)
  facilities(@Query() query: PublicFacilitiesQueryDto) {
    return this.feedback.facilities(query.city);
  }
}
