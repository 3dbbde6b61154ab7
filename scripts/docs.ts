/**
 * `npm run docs`: rewrites the README's generated sections (between `<!-- <name>:start -->` and
 * `<!-- <name>:end -->`) from the code they document; tests fail when the README differs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { unscopedActionsMarkdown } from '../src/delivery/deploy-coverage';
import { alarmTableMarkdown } from '../src/modules/monitoring/alarm-kinds';

const SECTIONS: Record<string, () => string> = {
  alarms: alarmTableMarkdown,
  unscoped: unscopedActionsMarkdown,
};

const readme = path.join(__dirname, '..', 'README.md');
let text = fs.readFileSync(readme, 'utf8');
for (const [name, render] of Object.entries(SECTIONS)) {
  const markers = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!markers.test(text)) throw new Error(`README.md has no <!-- ${name}:start --> ... <!-- ${name}:end --> markers`);
  text = text.replace(markers, (_m, start: string, end: string) => `${start}\n${render()}\n${end}`);
}
fs.writeFileSync(readme, text);
console.log(`README.md: ${Object.keys(SECTIONS).join(', ')} updated`);
