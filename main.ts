/**
 * Entry point of `cdktf synth|deploy|diff`. The only place that reads process.env:
 *   IMAGE_TAG=<tag>           image tag to release (unset: keep the deployed one)
 *   CDKTF_LOCAL_BACKEND=1     keep state in local files instead of S3 / Terraform Cloud (experiments)
 *   CDKTF_AWS_ENDPOINT=<url>  local AWS emulator endpoint (tests only; loopback URLs only)
 */
import { App } from 'cdktf';
import { buildApp } from './src/app';
import { environments } from './src/config/environments';
import { emulatorFromEndpoint } from './src/lib/emulator';

const app = new App();
buildApp(app, environments, {
  imageTag: process.env.IMAGE_TAG || undefined,
  localBackend: ['1', 'true'].includes(process.env.CDKTF_LOCAL_BACKEND ?? ''),
  emulator: emulatorFromEndpoint(process.env.CDKTF_AWS_ENDPOINT),
});
app.synth();
