import { AuditEvent } from '../audit/audit-event.entity';
import { AuthChallenge } from '../auth/auth-challenge.entity';
import { LoginFailure } from '../auth/login-failure.entity';
import { RecoveryCode } from '../auth/recovery-code.entity';
import { StaffSession } from '../auth/staff-session.entity';
import { ComplaintEvent } from '../complaints/complaint-event.entity';
import { ComplaintKeyPopulation } from '../complaints/complaint-key-population.entity';
import { Complaint } from '../complaints/complaint.entity';
import { Feedback } from '../complaints/feedback.entity';
import { ReferenceCounter } from '../complaints/reference-counter.entity';
import { Slip } from '../complaints/slip.entity';
import { TrackingFailure } from '../complaints/tracking-failure.entity';
import { City } from '../councils/city.entity';
import { Council } from '../councils/council.entity';
import { Member } from '../councils/member.entity';
import { Term } from '../councils/term.entity';
import { Training } from '../councils/training.entity';
import { Facility } from '../facilities/facility.entity';
import { User } from '../users/user.entity';
import { Escalation } from '../escalations/escalation.entity';
import { MailSend } from '../notifications/mail-send.entity';
import { TelegramSend } from '../notifications/telegram-send.entity';
import { TelegramConversation } from '../telegram/telegram-conversation.entity';
import { OutboxRecord } from '../queue/outbox.entity';
import { EncryptionKey } from '../keys/encryption-key.entity';
import { PageHandoff } from '../web/page-handoff.entity';

/** Every entity, listed once; feature modules add theirs here. */
export const ENTITIES = [
  City,
  Council,
  Member,
  Term,
  Training,
  Facility,
  User,
  LoginFailure,
  StaffSession,
  AuthChallenge,
  RecoveryCode,
  AuditEvent,
  Complaint,
  ComplaintKeyPopulation,
  ComplaintEvent,
  ReferenceCounter,
  Slip,
  Feedback,
  TrackingFailure,
  Escalation,
  MailSend,
  TelegramSend,
  TelegramConversation,
  OutboxRecord,
  EncryptionKey,
  PageHandoff,
];
