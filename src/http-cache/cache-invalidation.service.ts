import { Inject, Injectable } from '@nestjs/common';
import { TAG_STORE, TagStore } from './tag-store';

/**
 * The one way a write makes cached reads fresh: the service that wrote names what it
 * changed (CacheTags), after its transaction committed, whoever called it. Before the
 * commit, a concurrent read could cache the old rows under the new stamp.
 */
@Injectable()
export class CacheInvalidation {
  constructor(@Inject(TAG_STORE) private readonly tags: TagStore) {}

  async changed(...tags: string[]): Promise<void> {
    await this.tags.stamp([...new Set(tags)]);
  }
}
