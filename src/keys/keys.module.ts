import { Module } from '@nestjs/common';
import { KeyRingService } from './key-ring.service';
import { KeyRotationService } from './key-rotation.service';

/** The key ring (loaded at start-up) and the rotation `npm run rotate-keys` runs. */
@Module({
  providers: [KeyRingService, KeyRotationService],
  exports: [KeyRingService, KeyRotationService],
})
export class KeysModule {}
