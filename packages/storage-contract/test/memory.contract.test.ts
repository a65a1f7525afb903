/**
 * The whole storage contract on `MemoryStorage`. It runs here, in the contract package, because
 * the contract depends on core: core's own tests importing the contract would make the two
 * packages depend on each other.
 */
import { describeStorageContract } from '../src/index.js';
import { createMemoryHarness } from './memory-harness.js';

describeStorageContract(createMemoryHarness());
