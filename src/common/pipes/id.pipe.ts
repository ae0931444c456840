import { Injectable, PipeTransform } from '@nestjs/common';
import { invalid } from '../errors/domain-error';

/** Path ids are positive integers; anything else is a 400 naming the parameter. */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2_147_483_647) {
      throw invalid('Invalid id', [{ field: 'id', message: 'id must be a positive integer' }]);
    }
    return Number(value);
  }
}
