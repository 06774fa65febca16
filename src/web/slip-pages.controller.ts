import { Body, Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { complaintListScope } from '../access/access-policy';
import { Public } from '../auth/auth.decorators';
import { SLIP_LANGUAGES, CreateSlipsDto } from '../slips/slips.dto';
import { SlipsService } from '../slips/slips.service';
import { MemberViews } from './member-views.service';
import { attempt, STAFF_FORM } from './web-errors';
import { WebExceptionFilter } from './web-exception.filter';
import { formInt, formOptional, formString, hasErrors } from './web-forms';
import { FormState, WebRenderer, WebRequest } from './web-renderer.service';
import { validateForm } from './web-validation';
import { StaffPage, WebGuard } from './web.guard';

/**
 * Printing complaint-box slips from a page: a member for their own city, an admin for the city
 * they choose. The answer is the PDF itself, as a download that no cache keeps.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('staff/slips')
export class SlipPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly views: MemberViews,
    private readonly slips: SlipsService,
  ) {}

  @Get()
  @StaffPage('kpac_member', 'admin')
  page(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    return this.form(req, reply, { values: { count: '40', language: this.renderer.lang(req) } });
  }

  private async form(req: WebRequest, reply: FastifyReply, state: FormState) {
    const { cities, facilities, cityById, fixedCity } = await this.views.intakeForm(req.actor!);
    return this.renderer.renderForm(req, reply, 'slips', { cities, facilities, cityById, fixedCity, languages: SLIP_LANGUAGES }, state);
  }

  @Post()
  @StaffPage('kpac_member', 'admin')
  async print(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const actor = req.actor!;
    const ownCity = complaintListScope(actor)?.cityId;
    const values = {
      cityId: ownCity !== undefined ? String(ownCity) : formString(body.cityId),
      facilityId: formString(body.facilityId),
      count: formString(body.count).trim(),
      language: formString(body.language),
    };
    const facility = formOptional(values.facilityId);
    const { dto, errors } = await validateForm(CreateSlipsDto, {
      cityId: formInt(values.cityId),
      facilityId: facility === undefined ? undefined : formInt(facility),
      count: /^\d+$/.test(values.count) ? Number(values.count) : values.count,
      language: values.language,
    });
    if (errors['count']) errors['count'] = 'slips.countInvalid';
    if (hasErrors(errors)) return this.form(req, reply, { values, errors, status: 400 });
    const { done, refused } = await attempt(() => this.slips.issue(actor, dto), STAFF_FORM);
    if (refused) return this.form(req, reply, { values, ...refused });
    return reply
      .status(200)
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="slips-${done.batchId.slice(0, 8)}.pdf"`)
      .header('cache-control', 'no-store')
      .send(done.pdf);
  }
}
