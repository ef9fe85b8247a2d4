// `vpt --help` and `vpt --version` start-up, against bare `node -e ''` in the same run.
// Budget (docs/design.md): under 150 ms each.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, timeCommand } from './lib.mjs';

const vpt = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'vpt');
const node = timeCommand(process.execPath, ['-e', '']);
const baseline = { name: 'node -e ""', value: node.wallMs };
figure('startup-help-ms', timeCommand(vpt, ['--help']).wallMs, 'ms', baseline);
figure('startup-version-ms', timeCommand(vpt, ['--version']).wallMs, 'ms', baseline);
figure('startup-tmp-clean-help-ms', timeCommand(vpt, ['tmp-clean', '--help']).wallMs, 'ms', baseline);
