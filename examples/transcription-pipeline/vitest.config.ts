import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'example-transcription',
    include: ['test/**/*.test.ts'],
    // The DSP tests walk tens of seconds of audio; leave room on a busy CI machine.
    testTimeout: 30_000,
  },
});
