import { Inject, Injectable, Logger } from '@nestjs/common';
import { Complaint } from '../complaints/complaint.entity';
import { contactAad, contactCipher, ContactDetails } from '../complaints/contact-cipher';
import { FieldCipher } from '../common/crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/**
 * Decrypts a complaint's contact details for a facility mail or link page. Callers must have
 * checked the access policy (escalation.identityDisclosed) first, or only compare (summary check).
 */
@Injectable()
export class ContactReader {
  private readonly logger = new Logger('ContactReader');
  private readonly cipher: FieldCipher;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cipher = contactCipher(config);
  }

  read(complaint: Pick<Complaint, 'id' | 'contactEnc' | 'contactErasedAt'>): ContactDetails | null {
    if (!complaint.contactEnc || complaint.contactErasedAt) return null;
    try {
      return JSON.parse(this.cipher.decrypt(complaint.contactEnc, contactAad(complaint.id))) as ContactDetails;
    } catch {
      this.logger.warn(`Contact details of complaint ${complaint.id} could not be decrypted`);
      return null;
    }
  }
}
