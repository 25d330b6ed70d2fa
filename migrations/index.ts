import { InitialSchema1767225600000 } from './1767225600000-initial-schema';

/** Every migration, in order. Listed explicitly so that compiled and test runs see the same set. */
export const MIGRATIONS = [InitialSchema1767225600000];
