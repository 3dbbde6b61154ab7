import { environments } from '../../config/environments';
import { weekStrip } from './schedule';

/** The week strip of the first shipped environment with a night schedule, as a code block (docs/cost.md). */
export function shippedWeekStrip(): string {
  const env = environments.find((e) => e.schedule);
  return env?.schedule ? `\`\`\`\n${weekStrip(env.schedule, env.name)}\n\`\`\`` : '(no shipped environment has a night schedule)';
}
