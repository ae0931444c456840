import { Global, Module } from '@nestjs/common';
import { CursorCodec } from './cursor-codec';
import { Keyset } from './keyset';

/** Page cursors and keyset paging for every list. */
@Global()
@Module({ providers: [CursorCodec, Keyset], exports: [Keyset] })
export class PaginationModule {}
