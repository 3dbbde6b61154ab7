/**
 * `npm run docs`: rewrites the generated sections of the docs (between `<!-- <name>:start -->` and
 * `<!-- <name>:end -->`) from the code they document; tests fail when a page differs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { unscopedActionsMarkdown } from '../src/delivery/deploy-coverage';
import { alarmTableMarkdown } from '../src/modules/monitoring/alarm-kinds';
import { shippedWeekStrip } from '../src/ops/cost/week';

/** Each generated section: the page it is on, and what renders it. */
const SECTIONS: Record<string, { page: string; render: () => string }> = {
  alarms: { page: 'docs/monitoring.md', render: alarmTableMarkdown },
  unscoped: { page: 'docs/delivery.md', render: unscopedActionsMarkdown },
  week: { page: 'docs/cost.md', render: shippedWeekStrip },
};

for (const [name, { page, render }] of Object.entries(SECTIONS)) {
  const file = path.join(__dirname, '..', page);
  const markers = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  const text = fs.readFileSync(file, 'utf8');
  if (!markers.test(text)) throw new Error(`${page} has no <!-- ${name}:start --> ... <!-- ${name}:end --> markers`);
  fs.writeFileSync(file, text.replace(markers, (_m, start: string, end: string) => `${start}\n${render()}\n${end}`));
  console.log(`${page}: ${name} updated`);
}
