import { Module } from '@nestjs/common';
import { CitiesController } from './cities.controller';
import { CouncilsController } from './councils.controller';
import { CouncilsRepository } from './councils.repository';
import { CouncilsService } from './councils.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { ReferenceDataService } from './reference-data.service';

@Module({
  controllers: [CitiesController, CouncilsController, MembersController],
  providers: [ReferenceDataService, CouncilsRepository, CouncilsService, MembersService],
  exports: [CouncilsService, MembersService],
})
export class CouncilsModule {}
