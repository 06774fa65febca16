import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { PublicComplaintDto } from './create-complaint.dto';

/** One failing field: its dotted path and the messages the web form's API would answer. */
export interface FieldProblem {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The public form's DTO checked with the options of the HTTP validation pipe
 * (common/validation.pipe.ts), for intake paths that do not come through HTTP (the Telegram bot).
 */
export async function validatePublicComplaint(plain: Record<string, unknown>): Promise<{ dto: PublicComplaintDto; problems: FieldProblem[] }> {
  const dto = plainToInstance(PublicComplaintDto, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: false });
  return { dto, problems: flatten(errors) };
}
