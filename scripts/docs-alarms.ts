/** `npm run docs:alarms`: rewrites the README's alarm table from src/modules/monitoring/alarm-kinds.ts. */
import * as fs from 'fs';
import * as path from 'path';
import { alarmTableMarkdown } from '../src/modules/monitoring/alarm-kinds';

const readme = path.join(__dirname, '..', 'README.md');
const text = fs.readFileSync(readme, 'utf8');
const markers = /(<!-- alarms:start -->)[\s\S]*?(<!-- alarms:end -->)/;
if (!markers.test(text)) throw new Error('README.md has no <!-- alarms:start --> ... <!-- alarms:end --> markers');
fs.writeFileSync(readme, text.replace(markers, (_m, start: string, end: string) => `${start}\n${alarmTableMarkdown()}\n${end}`));
console.log('README.md: alarm table updated');
