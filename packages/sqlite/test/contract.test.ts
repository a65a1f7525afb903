import { describeStorageContract } from '@waitline/storage-contract';
import { createSqliteHarness } from './harness.js';

describeStorageContract(createSqliteHarness());
