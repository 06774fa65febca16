import { Foundation1764000000000 } from './migrations/1764000000000-foundation';
import { Complaints1764000001000 } from './migrations/1764000001000-complaints';

/** Every migration in order; append new ones at the end. */
export const MIGRATIONS = [Foundation1764000000000, Complaints1764000001000];
