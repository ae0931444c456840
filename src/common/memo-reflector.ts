import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** What Nest passes: a handler and a class (the library's own parameter type). */
type Targets = Parameters<Reflector['getAllAndOverride']>[1];

/**
 * A Reflector whose `getAllAndOverride(key, [handler, class])` answers from a memo.
 * Decorator metadata is fixed once the classes are defined, and the guards (the cache
 * guard among them) read a dozen keys on every request (the rate-limit guard alone reads six
 * per throttler): the profile showed reflect-metadata's lookups as a few percent of a
 * cached read.
 */
@Injectable()
export class MemoReflector extends Reflector {
  private readonly memo = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();

  override getAllAndOverride<TResult = unknown, TKey = unknown>(
    metadataKey: TKey,
    targets: Targets,
  ): TResult {
    const [handler, classRef] = targets;
    if (targets.length !== 2 || !handler || !classRef) {
      return super.getAllAndOverride<TResult, TKey>(metadataKey, targets);
    }
    let byClass = this.memo.get(handler);
    if (!byClass) this.memo.set(handler, (byClass = new WeakMap()));
    let byKey = byClass.get(classRef);
    if (!byKey) byClass.set(classRef, (byKey = new Map()));
    if (byKey.has(metadataKey)) return byKey.get(metadataKey) as TResult;
    const value = super.getAllAndOverride<TResult, TKey>(metadataKey, targets);
    byKey.set(metadataKey, value);
    return value;
  }
}
