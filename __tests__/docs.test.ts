import * as fs from 'fs';
import * as path from 'path';

/**
 * The README is a landing page and the topics live in docs/: every relative link of the README,
 * docs/ and the example app's README leads to a file that exists, and every `#anchor` to a heading
 * of that page (GitHub's anchors: lower case, punctuation dropped, spaces to dashes).
 */
const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', 'examples/django/README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's heading anchors of a markdown page (headings inside code blocks are not headings). */
function anchors(file: string): Set<string> {
  const out = new Set<string>();
  let code = false;
  for (const line of fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
    if (line.startsWith('```')) code = !code;
    const m = /^#{1,6} (.*)$/.exec(line);
    if (m && !code) out.add(m[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

/** The relative links of a page, outside code blocks and inline code. */
function links(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^(https?:|mailto:)/.test(l));
}

test.each(PAGES)('%s: every relative link and anchor resolves', (page) => {
  const broken: string[] = [];
  for (const link of links(page)) {
    const [target, anchor] = link.split('#');
    const file = target ? path.normalize(path.join(path.dirname(page), target)) : page;
    if (!fs.existsSync(path.join(ROOT, file))) broken.push(`${link}: no file ${file}`);
    else if (anchor && file.endsWith('.md') && !anchors(file).has(anchor)) broken.push(`${link}: no heading #${anchor} in ${file}`);
  }
  expect(broken).toEqual([]);
});

test('the README stays a landing page (about 300 lines at most); the topics are pages of docs/', () => {
  expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(300);
  for (const topic of ['configuration', 'operations', 'monitoring', 'security', 'delivery', 'migrating', 'testing', 'cost']) {
    expect([topic, fs.existsSync(path.join(ROOT, 'docs', `${topic}.md`))]).toEqual([topic, true]);
  }
});

/**
 * `help`, the README and the CI script agree: every `npm run <script>` they name exists, the
 * README's two set-up commands are the ones `help` starts with, and `.ci/run` runs both.
 */
test('help, the README and CI name the same set-up commands and only scripts that exist', () => {
  const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);
  const help = fs.readFileSync(path.join(ROOT, 'help'), 'utf8');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const named = (text: string) => [...text.matchAll(/npm run (?:--silent )?([a-z][a-z0-9:-]*)/g)].map((m) => m[1]);
  expect([...new Set([...named(help), ...named(readme)])].filter((s) => !scripts.includes(s))).toEqual([]);
  const setUp = /```sh\n(.+?) +#.*\n(.+?) +#/.exec(readme)!;
  expect([setUp[1], setUp[2]]).toEqual(['npm ci && npm run sandbox', 'npm test']);
  expect(help).toContain(`  ${setUp[1]} `);
  expect(help).toContain(`  ${setUp[2]} `);
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
  expect(ci).toMatch(/^npm ci /m);
  expect(ci).toMatch(/^npm run sandbox$/m);
  expect(ci).toMatch(/^npm test$/m);
});
