/**
 * Runs the slowest test files first (terraform validate, the app command, full-app synths), so the
 * two workers finish together instead of one of them starting a 30-second file last. Jest orders by
 * the durations it cached on earlier runs; a clean clone (CI) has none and would order by size.
 */
const Sequencer = require('@jest/test-sequencer').default;

const SLOWEST_FIRST = [
  'terraform-validate.test.ts',
  'app-command.test.ts',
  'cloud-backend.test.ts',
  'self-contained.test.ts',
  'delivery-permissions.test.ts',
  'example-app.test.ts',
  'cost.test.ts',
];

class SlowestFirst extends Sequencer {
  async sort(tests) {
    const rank = (test) => {
      const i = SLOWEST_FIRST.findIndex((name) => test.path.endsWith(name));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    const ordered = await super.sort(tests);
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestFirst;
