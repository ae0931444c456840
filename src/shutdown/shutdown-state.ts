import { Injectable } from '@nestjs/common';

/**
 * Whether the instance is going: from the first SIGTERM on, readiness answers 503 (a load
 * balancer takes the instance out of rotation) while requests are still served.
 */
@Injectable()
export class ShutdownState {
  draining = false;

  begin(): void {
    this.draining = true;
  }
}
