import { Foundation1764000000000 } from './migrations/1764000000000-foundation';
import { Complaints1764000001000 } from './migrations/1764000001000-complaints';
import { Statistics1764000003000 } from './migrations/1764000003000-statistics';
import { TrackingFailures1764000003100 } from './migrations/1764000003100-tracking-failures';
import { Escalations1764000002000 } from './migrations/1764000002000-escalations';
import { IdentityFlows1764000004000 } from './migrations/1764000004000-identity-flows';
import { StaffAccess1764000005000 } from './migrations/1764000005000-staff-access';
import { Hardening1764000006000 } from './migrations/1764000006000-hardening';
import { Tidy1764000007000 } from './migrations/1764000007000-tidy';
import { OutcomePublicNote1764000008000 } from './migrations/1764000008000-outcome-public-note';
import { StaffLanguage1764000009000 } from './migrations/1764000009000-staff-language';
import { Slips1764000010000 } from './migrations/1764000010000-slips';
import { Telegram1764000011000 } from './migrations/1764000011000-telegram';
import { EscalationRollup1764000012000 } from './migrations/1764000012000-escalation-rollup';
import { EscalationRollupMarks1764000013000 } from './migrations/1764000013000-escalation-rollup-marks';

/** Every migration in order; append new ones at the end. */
export const MIGRATIONS = [
  Foundation1764000000000,
  Complaints1764000001000,
  Escalations1764000002000,
  Statistics1764000003000,
  TrackingFailures1764000003100,
  IdentityFlows1764000004000,
  StaffAccess1764000005000,
  Hardening1764000006000,
  Tidy1764000007000,
  OutcomePublicNote1764000008000,
  StaffLanguage1764000009000,
  Slips1764000010000,
  Telegram1764000011000,
  EscalationRollup1764000012000,
  EscalationRollupMarks1764000013000,
];
