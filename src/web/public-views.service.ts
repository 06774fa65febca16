import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { dateInZone } from '../common/dates';
import { FeedbackService } from '../complaints/feedback.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { FieldErrors } from './web-errors';
import { COMPLAINT_CHOICES, complaintFormValues, RATINGS } from './web-forms';

type ComplaintValues = ReturnType<typeof complaintFormValues>;

/** View data of the service users' forms. */
@Injectable()
export class PublicViews {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async complaintForm() {
    return { places: await this.places(), ...COMPLAINT_CHOICES, script: true };
  }

  async feedbackForm() {
    return { places: await this.places(), ratings: RATINGS };
  }

  /**
   * The intake's own checks (a facility of the chosen city, a date not in the future), run here
   * when the form has other errors too, so a person hears of every error of a submission at once
   * rather than in rounds. The intake still checks on submit; these only word them early.
   */
  async complaintChecks(values: ComplaintValues): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (values.cityId && values.facilityId) {
      const city = (await this.places()).find((c) => String(c.id) === values.cityId);
      if (city && !city.facilities.some((f) => String(f.id) === values.facilityId)) errors['facilityId'] = 'validation.facilityCity';
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(values.incidentDate) && values.incidentDate > dateInZone(this.clock.now(), this.config.timeZone)) {
      errors['incidentDate'] = 'validation.date';
    }
    return errors;
  }

  /** Cities with their facilities, for the grouped select that works without JavaScript. */
  private async places() {
    const cities = await this.feedback.cities();
    return Promise.all(cities.map(async (c) => ({ ...c, facilities: await this.feedback.facilities(c.id) })));
  }
}
