import { Injectable } from '@nestjs/common';
import { FeedbackService } from '../complaints/feedback.service';
import { COMPLAINT_CHOICES, RATINGS } from './web-forms';

/** View data of the service users' forms. */
@Injectable()
export class PublicViews {
  constructor(private readonly feedback: FeedbackService) {}

  async complaintForm() {
    return { places: await this.places(), ...COMPLAINT_CHOICES, script: true };
  }

  async feedbackForm() {
    return { places: await this.places(), ratings: RATINGS };
  }

  /** Cities with their facilities, for the grouped select that works without JavaScript. */
  private async places() {
    const cities = await this.feedback.cities();
    return Promise.all(cities.map(async (c) => ({ ...c, facilities: await this.feedback.facilities(c.id) })));
  }
}
