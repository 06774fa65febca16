import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const MAX_ID = 2_147_483_647;

/**
 * Route ids are positive 32-bit integers. ParseIntPipe lets 99999999999 through, which PostgreSQL
 * then rejects as out of range for an integer column — a 500 instead of a 400.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const n = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_ID) throw new BadRequestException({ message: ['id must be a positive whole number'] });
    return n;
  }
}
