import { Module } from '@nestjs/common';
import { ReferenceDataService } from './reference-data.service';

@Module({ providers: [ReferenceDataService] })
export class CouncilsModule {}
